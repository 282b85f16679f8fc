export * from "./grid";
export * from "./validate";
export * from "./target";
export * from "./packse-runner";
export * from "./resolvelib-runner";
