/** @lockstep/pep508 — see docs/architecture.md. */
export {};
