/**
 * The packse runner over a directory of its own scenarios: a scenario that cannot be loaded or
 * asks for something lockstep cannot do is one failed line naming the file and the problem, and
 * the others still run and pass. Served on loopback like the shared suite.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runPackse } from "./packse-runner";
import type { CaseResult } from "./packse-runner";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

const SCENARIOS: Record<string, string> = {
  "ok/simple.toml": `
name = "simple"
[root]
requires = ["a"]
[packages.a.versions."1.0.0"]
[packages.a.versions."2.0.0"]
[expected]
satisfiable = true
[expected.packages]
a = "2.0.0"
`,
  "ok/unsatisfiable.toml": `
name = "unsatisfiable"
description = "no version of a matches"
[root]
requires = ["a>=3"]
[packages.a.versions."1.0.0"]
description = "the only release"
[expected]
satisfiable = false
explanation = "a has no release >= 3"
`,
  // Every key of packse's model that the shared suite does not use: additional_python (the
  // interpreter uv would build with; our sdists have static metadata) and template.
  "ok/every-key.toml": `
name = "every-key"
template = "simple"
[root]
requires = ["a==1.0.0"]
requires_python = ">=3.9"
[packages.a.versions."1.0.0"]
requires_python = ">=3.10"
wheel = false
[resolver_options]
python = "3.11"
prereleases = false
no_build = []
no_binary = []
universal = false
python_platform = "aarch64-apple-darwin"
[environment]
python = "3.9"
additional_python = ["3.11"]
[expected]
satisfiable = true
[expected.packages]
a = "1.0.0"
`,
  "broken/bad-toml.toml": `name = "bad-toml"\n[root\nrequires = ["a"]\n`,
  "broken/unknown-key.toml": `
name = "unknown-key"
[root]
requires = ["a"]
[environment]
python = "3.12"
shell = "zsh"
[expected]
satisfiable = true
`,
  "broken/pyodide.toml": `
name = "pyodide"
[root]
requires = ["a"]
[packages.a.versions."1.0.0"]
[resolver_options]
python_platform = "wasm32-pyodide2024"
[expected]
satisfiable = true
`,
};

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "packse-runner-"));
  for (const [rel, text] of Object.entries(SCENARIOS)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("packse runner", () => {
  test("broken scenarios fail one by one; the rest pass", async () => {
    const results = await runPackse(dir);
    const byName = Object.fromEntries(results.map((r) => [r.name, r])) as Record<string, CaseResult>;
    expect(results.map((r) => [r.name, r.status])).toEqual([
      ["broken/bad-toml.toml", "failed"],
      ["broken/pyodide.toml", "failed"],
      ["broken/unknown-key.toml", "failed"],
      ["ok/every-key.toml", "passed"],
      ["ok/simple.toml", "passed"],
      ["ok/unsatisfiable.toml", "passed"],
    ]);
    expect(byName["broken/bad-toml.toml"]!.got).toMatch(
      new RegExp(`^${join(dir, "broken/bad-toml.toml")}:2:\\d+: `),
    );
    expect(byName["broken/unknown-key.toml"]!.got).toBe(
      `${join(dir, "broken/unknown-key.toml")}:7: unknown key \`shell\` in \`environment\``,
    );
    expect(byName["broken/pyodide.toml"]!.got).toBe(
      "unsupported python_platform `wasm32-pyodide2024`: lockstep has no platform tags for iOS, Android or Pyodide",
    );
  }, 120_000);

  test("`pnpm conformance packse DIR` prints one line per failure, the closing line, and exits 1", () => {
    const run = spawnSync("npx", ["tsx", "packages/conformance/src/cli.ts", "packse", dir], {
      cwd: ROOT,
      encoding: "utf8",
    });
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines.map((l) => l.replace(dir, "DIR").replace(/:2:\d+: .*/, ":2:…"))).toEqual([
      "FAILED broken/bad-toml.toml: expected a loadable packse scenario; got DIR/broken/bad-toml.toml:2:…",
      "FAILED broken/pyodide.toml: expected satisfiable; got unsupported python_platform `wasm32-pyodide2024`: lockstep has no platform tags for iOS, Android or Pyodide",
      "FAILED broken/unknown-key.toml: expected a loadable packse scenario; got DIR/broken/unknown-key.toml:7: unknown key `shell` in `environment`",
      "3 passed, 3 failed",
    ]);
    expect(run.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
    expect(run.status).toBe(1);
  }, 120_000);
});
