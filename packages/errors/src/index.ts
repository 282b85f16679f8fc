export * from "./errors";
export * from "./usage-error";
