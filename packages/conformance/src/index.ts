/** @lockstep/conformance — runs suites written by others (packse, resolvelib) through the lock code path. */
export {};
