/** @lockstep/sync — the install plan, the venv lock, executing a sync and its summary. */
export * from "./installed";
export * from "./plan";
export * from "./venv-lock";
export * from "./summary";
export * from "./execute";
