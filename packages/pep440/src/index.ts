/** @lockstep/pep440 — see docs/architecture.md. */
export {};
