/** @lockstep/sync — see docs/architecture.md. */
export {};
