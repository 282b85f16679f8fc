/** @lockstep/python — see docs/architecture.md. */
export {};
