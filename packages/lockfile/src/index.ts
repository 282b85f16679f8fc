/** @lockstep/lockfile — see docs/architecture.md. */
export {};
