/** @lockstep/build — see docs/architecture.md. */
export {};
