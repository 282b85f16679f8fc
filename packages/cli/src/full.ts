/**
 * The full command line (yargs, every command) and the error rendering of the process entry, as
 * one module: main.ts imports it only when the fast path declines, and the bundle builds it (with
 * its chunks) apart from the entry file.
 */
export { main } from "./run-cli";
export { exitCodeFor, renderError } from "./exit-code";
