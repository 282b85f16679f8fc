/** @lockstep/index — see docs/architecture.md. */
export {};
