/** Test support for @lockstep/project: the example project and its universe (not shipped). */
export * from "./example-app";
export * from "./snapshot-graph";
export * from "./project-env";
export * from "./sync-options";
export * from "./pip-install-requirements";
export * from "./write-pyproject";
