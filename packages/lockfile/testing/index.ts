/** Test support for @lockstep/lockfile: hand-built resolutions and lock inputs (not shipped). */
export * from "./scenarios";
export * from "./validate-pylock";
export * from "./lock-inputs";
