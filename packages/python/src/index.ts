export * from "./interpreter";
export * from "./discovery";
export * from "./venv";
export { QUERY_SCRIPT } from "./query-script";
export * from "./seed-venv";
export * from "./list-interpreters";
