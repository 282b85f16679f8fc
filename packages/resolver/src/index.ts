/** @lockstep/resolver — the generic PubGrub core and the Python provider on top of it. */
export * from "./pubgrub";
export * from "./python";
