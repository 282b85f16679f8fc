/** Test support for @lockstep/sync: a fixture universe with upgrades and removals, plans, venvs, trees. */
export * from "./test-support";
