/** Test support for @lockstep/cli: building and spawning the real bundle (not shipped). */
export * from "./cli-harness";
export * from "./cli-env";
export * from "./twin-indexes";
