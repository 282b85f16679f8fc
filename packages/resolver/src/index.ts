/** @lockstep/resolver — see docs/architecture.md. */
export {};
