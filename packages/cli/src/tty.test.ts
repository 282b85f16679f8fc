/**
 * Colour and progress appear on a terminal and nowhere else, and `--output-format json` is one JSON
 * document on stdout. The terminal is a real pseudo-terminal: util-linux `script -qfec CMD /dev/null`
 * runs the bundle with stdin/stdout/stderr on a pty and copies what it draws to its own stdout.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildUniverse, loadUniverseFile, startIndexServer } from "@lockstep/fixtures";
import type { IndexServer } from "@lockstep/fixtures";
import { buildBundle, copyExampleApp, EXAMPLE_UNIVERSE, run } from "../testing";

let entry: string;
let metafile: Awaited<ReturnType<typeof buildBundle>>["metafile"];
let server: IndexServer;
let project: string;
const cacheDir = mkdtempSync(join(tmpdir(), "lockstep-tty-cache-"));
const env: NodeJS.ProcessEnv = { ...process.env, LOCKSTEP_CACHE_DIR: cacheDir, TERM: "xterm-256color" };
delete env.NO_COLOR;
delete env.FORCE_COLOR;
delete env.CI;

const ESC = "\x1b[";
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The bundle on a pseudo-terminal; returns everything it drew (stdout and stderr together). */
function onTerminal(args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
  const command = [process.execPath, entry, ...args].map(quote).join(" ");
  return run("script", ["-qfec", command, "/dev/null"], { cwd: project, env: { ...env, ...extraEnv } });
}

function piped(args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
  return run(process.execPath, [entry, ...args], { cwd: project, env: { ...env, ...extraEnv } });
}

beforeAll(async () => {
  const [bundle, built] = await Promise.all([
    buildBundle(),
    buildUniverse(loadUniverseFile(EXAMPLE_UNIVERSE)),
  ]);
  entry = bundle.entry;
  metafile = bundle.metafile;
  server = await startIndexServer(built);
  project = copyExampleApp();
  const lock = await piped(["lock", "--index-url", server.url]);
  if (lock.code !== 0) throw new Error(lock.stderr);
});

afterAll(async () => {
  await server?.close();
});

describe("--output-format json", () => {
  test("lock --dry-run", async () => {
    const res = await piped([
      "lock",
      "--dry-run",
      "--upgrade",
      "--output-format",
      "json",
      "--index-url",
      server.url,
    ]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toBe("");
    expect(JSON.parse(res.stdout)).toEqual({
      kind: "resolved",
      lockfile: join(project, "pylock.toml"),
      packages: 20,
      changes: [],
      wrote: false,
      warnings: [],
    });
  });

  test("sync --dry-run lists what would be installed", async () => {
    const res = await piped([
      "sync",
      "--dry-run",
      "--python",
      "/usr/bin/python3",
      "--output-format",
      "json",
      "--index-url",
      server.url,
    ]);
    expect(res.code, res.stderr).toBe(0);
    const report = JSON.parse(res.stdout) as {
      venv: string;
      dry_run: boolean;
      fresh: boolean;
      audited: number;
      changes: { action: string; name: string; version: string }[];
    };
    expect(report).toMatchObject({ venv: join(project, ".venv"), dry_run: true, fresh: false });
    expect(report.changes.length).toBe(report.audited);
    expect(report.changes).toContainEqual({ action: "install", name: "yamlite", version: "6.0.2" });
  });

  test("tree", async () => {
    const res = await piped(["tree", "--depth", "1", "--output-format", "json"]);
    expect(res.code, res.stderr).toBe(0);
    const [root] = JSON.parse(res.stdout) as { name: string; dependencies: { name: string }[] }[];
    expect(root?.name).toBe("example-app");
    expect(root?.dependencies.map((d) => d.name)).toContain("yamlite");
  });
});

describe("colour and progress", () => {
  test("piped: no escape sequences at all", async () => {
    const res = await piped(["sync", "--dry-run", "--python", "/usr/bin/python3", "--index-url", server.url]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toContain(" + yamlite==6.0.2\n");
    expect(res.stderr).not.toContain("\x1b");
  });

  test("on a terminal: a spinner while resolving, bold headlines", async () => {
    const res = await onTerminal(["lock", "--upgrade", "--index-url", server.url]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain("Resolving dependencies…");
    expect(res.stdout).toContain(`\r${ESC}2K`);
    expect(res.stdout).toMatch(new RegExp(`\\x1b\\[1mResolved 20 packages\\x1b\\[22m`));
  });

  test("on a terminal: sync draws progress with counts and colours + lines green", async () => {
    const res = await onTerminal(["sync", "--python", "/usr/bin/python3", "--index-url", server.url]);
    expect(res.code, res.stdout).toBe(0);
    expect(res.stdout).toMatch(/Installing\S* .*\d+/);
    expect(res.stdout).toContain(`${ESC}32m+${ESC}39m ${ESC}1myamlite${ESC}22m`);
  });

  /** A locked copy of the example app and an empty cache, so that a sync downloads every wheel. */
  async function coldProject(): Promise<{ cwd: string; env: NodeJS.ProcessEnv }> {
    const cwd = copyExampleApp();
    const cold = { ...env, LOCKSTEP_CACHE_DIR: mkdtempSync(join(tmpdir(), "lockstep-tty-cold-")) };
    const lock = await run(process.execPath, [entry, "lock", "--index-url", server.url], { cwd, env: cold });
    if (lock.code !== 0) throw new Error(lock.stderr);
    return { cwd, env: cold };
  }
  const syncArgs = () => ["sync", "--python", "/usr/bin/python3", "--index-url", server.url];
  const BYTES = String.raw`\d+(?:\.\d)? (?:B|KiB|MiB)`;

  test("on a terminal: a cold sync draws a download bar with bytes of the total and files N/M", async () => {
    const { cwd, env: cold } = await coldProject();
    const command = [process.execPath, entry, ...syncArgs()].map(quote).join(" ");
    const res = await run("script", ["-qfec", command, "/dev/null"], { cwd, env: cold });
    expect(res.code, res.stdout).toBe(0);
    expect(res.stdout).toMatch(new RegExp(`Downloading\\S* \\S*[━╺─]+\\S* ${BYTES}/${BYTES} \\d+/\\d+ `));
    // The line is erased before the summary, so no bar survives on the last line.
    expect(res.stdout.split("\n").at(-2) ?? "").not.toMatch(/[━╺]/);
  });

  test("piped: a cold sync draws no bar, no byte counts and no N/M", async () => {
    const { cwd, env: cold } = await coldProject();
    const res = await run(process.execPath, [entry, ...syncArgs()], { cwd, env: cold });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toContain(" + yamlite==6.0.2\n");
    expect(res.stderr).not.toMatch(new RegExp(`Downloading|[━╺]|${BYTES}/|\\d+/\\d+`));
    expect(res.stderr).not.toContain("\x1b");
  });

  test.each([
    ["--color never --no-progress", ["--color", "never", "--no-progress"], {}],
    ["-q", ["-q", "--color", "never"], {}],
    ["NO_COLOR and --no-progress", ["--no-progress"], { NO_COLOR: "1" }],
  ])("on a terminal with %s: no escape sequences", async (_name, flags, extra) => {
    const res = await onTerminal([...flags, "lock", "--upgrade", "--index-url", server.url], extra);
    expect(res.code).toBe(0);
    expect(res.stdout).not.toContain("\x1b");
  });

  test("FORCE_COLOR colours a pipe; --color always too", async () => {
    const forced = await piped(
      ["sync", "--dry-run", "--python", "/usr/bin/python3", "--index-url", server.url],
      { FORCE_COLOR: "1" },
    );
    expect(forced.stderr).toContain(`${ESC}1m`);
    const always = await piped(["--color", "always", "tree"]);
    expect(always.code).toBe(0);
    const warned = await piped([
      "--color",
      "always",
      "lock",
      "--check",
      "--index-url",
      "http://127.0.0.1:9/simple",
    ]);
    expect(warned.stderr.startsWith(`${ESC}31m${ESC}1merror${ESC}22m${ESC}39m${ESC}1m:${ESC}22m`)).toBe(true);
  });
});

describe("start-up", () => {
  test("what the parser loads (its chunk and every chunk it imports statically) holds no pino, TOML parser, resolver or index client", () => {
    const outputs = metafile.outputs as Record<
      string,
      { inputs: Record<string, unknown>; imports?: { path: string; kind: string }[] }
    >;
    const parser = Object.keys(outputs).find((k) =>
      Object.keys(outputs[k]?.inputs ?? {}).some((i) => i.endsWith("src/run-cli.ts")),
    );
    expect(parser).toBeDefined();
    const loaded = new Set<string>();
    const visit = (k: string) => {
      if (loaded.has(k) || !outputs[k]) return;
      loaded.add(k);
      for (const i of outputs[k]?.imports ?? []) if (i.kind === "import-statement") visit(i.path);
    };
    visit(parser as string);
    const inputs = [...loaded].flatMap((k) => Object.keys(outputs[k]?.inputs ?? {}));
    expect(inputs.some((i) => i.includes("/yargs/"))).toBe(true);
    for (const heavy of ["/pino/", "/smol-toml/", "/got/", "packages/resolver/", "packages/index/src/client"])
      expect(inputs.filter((i) => i.includes(heavy))).toEqual([]);
  });
});
