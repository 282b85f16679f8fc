/**
 * @lockstep/resolver/testing — test support, never shipped: integer version ranges and a table
 * universe for the PubGrub core's tests and benchmark; for the Python resolver, a random universe
 * generator, an independent install-set validator, and lockstep's and pip's runners for the
 * differential tests and the resolver benchmark.
 */
export * from "./semver-ranges";
export * from "./universe";
export * from "./lockstep-runner";
export * from "./lockstep-worker";
export * from "./pip-runner";
export * from "./random-universe";
export * from "./validator";
