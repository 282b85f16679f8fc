/** @lockstep/pyproject — see docs/architecture.md. */
export {};
