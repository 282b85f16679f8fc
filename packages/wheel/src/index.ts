/** @lockstep/wheel — see docs/architecture.md. */
export {};
