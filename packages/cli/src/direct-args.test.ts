/**
 * The direct lane (direct.ts) must hand `runLock`/`runSync` the arguments the full parser hands
 * them for every invocation it takes: both lanes run here with the commands replaced by recorders,
 * and the recorded arguments must be equal, apart from what only yargs adds (`$0` and the
 * one-letter aliases, which no command reads). Invocations outside the plain subset must be left to
 * the parser (runDirect returns undefined and runs nothing).
 */
import { beforeEach, expect, test, vi } from "vitest";
import type { Output } from "./output";

const calls: { command: string; args: Record<string, unknown> }[] = [];
vi.mock("./commands/lock", async (original) => ({
  ...(await original<typeof import("./commands/lock")>()),
  runLock: async (args: Record<string, unknown>) => (calls.push({ command: "lock", args: { ...args } }), 0),
}));
vi.mock("./commands/sync", async (original) => ({
  ...(await original<typeof import("./commands/sync")>()),
  runSync: async (args: Record<string, unknown>) => (calls.push({ command: "sync", args: { ...args } }), 0),
}));

const { runDirect } = await import("./direct");
const { main } = await import("./run-cli");

const quiet: Output = { stdout: () => {}, stderr: () => {} };
/** The arguments as a command reads them: yargs' own extras left out. */
const asRead = (args: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(args)
      .filter(([k, v]) => k !== "$0" && k.length > 1 && v !== undefined)
      .concat([["_", args._]]),
  );

beforeEach(() => {
  calls.length = 0;
  for (const k of Object.keys(process.env)) if (k.startsWith("LOCKSTEP_")) delete process.env[k];
});

test.each([
  [["lock"]],
  [["-q", "lock"]],
  [["-q", "-q", "lock", "--no-progress"]],
  [["lock", "--quiet"]],
  [["lock", "--index-url", "http://127.0.0.1:9/simple"]],
  [["lock", "-i", "http://127.0.0.1:9/simple"]],
  [["lock", "--index-url=http://127.0.0.1:9/simple"]],
  [["sync"]],
  [["--no-progress", "sync", "-q"]],
  [["sync", "--frozen"]],
  [["sync", "--locked", "--inexact", "--no-dev"]],
  [["sync", "--extra", "a", "--extra=b", "--all-groups"]],
  [["sync", "--group", "g", "--no-group", "dev", "--no-default-groups"]],
  [["sync", "--only-group", "docs", "--no-install-project"]],
  [["sync", "--all-extras", "-p", "3.12", "-i", "http://127.0.0.1:9/simple"]],
  [["sync", "--python=3.12"]],
])("%j: the same arguments as the full parser's", async (argv) => {
  expect(await runDirect(argv, quiet)).toBe(0);
  expect(await main(argv, quiet)).toBe(0);
  expect(calls).toHaveLength(2);
  const [direct, full] = calls as [(typeof calls)[0], (typeof calls)[0]];
  expect(direct.command).toBe(full.command);
  expect(asRead(direct.args)).toEqual(asRead(full.args));
});

test.each([
  [["run", "python"]],
  [["lock", "--upgrade"]],
  [["lock", "--frozen"]],
  [["sync", "--dry-run"]],
  [["--directory", "x", "sync"]],
  [["-v", "lock"]],
  [["sync", "--frozen", "--locked"]],
  [["lock", "--index-url"]],
  [["tree"]],
])("%j is left to the full parser", async (argv) => {
  expect(await runDirect(argv, quiet)).toBeUndefined();
  expect(calls).toHaveLength(0);
});
