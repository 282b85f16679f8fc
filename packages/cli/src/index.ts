/** @lockstep/cli — see docs/architecture.md. */
export {};
