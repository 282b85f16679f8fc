export * from "./package";
export * from "./options";
export * from "./candidates";
export * from "./provider";
export * from "./report";
export * from "./resolve";
export * from "./requires-python";
