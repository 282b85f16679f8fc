/** Test support for @lockstep/index (never imported by src/). */
export * from "./sdist-bomb";
