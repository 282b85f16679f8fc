/** Test support for @lockstep/build: test Pythons, source trees with in-tree backends, installers. */
export * from "./test-support";
export * from "./git-repo";
export * from "./fixture-backend-tree";
