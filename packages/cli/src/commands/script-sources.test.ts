/**
 * A PEP 723 script's own `[[tool.lockstep.index]]` and `[tool.lockstep.sources]`, through the built
 * CLI (`lockstep run script.py`, run from another directory): `torchlike` from the script's explicit
 * `cpu` index (1.0, not the default index's 3.0), `lib` from a directory relative to the script,
 * `gitlib` from a local git repository at a tag, `urlpkg` from a wheel's URL. The environment's key holds the sources, so an edited
 * path source gives a new environment; a source naming an undeclared index names the script's line.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { fixtureBackendTree, TestRepo, writeTree } from "@lockstep/build/testing";
import { serveUniverse } from "@lockstep/fixtures";
import type { IndexServer } from "@lockstep/fixtures";
import { buildBundle, run } from "../../testing";

const PY312 = "/root/.pyenv/versions/3.12.1/bin/python3";
let cpu: IndexServer;
let main: IndexServer;
let entry: string;
let base: string;
let repo: TestRepo;
let wheelUrl: string;
const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
delete env.VIRTUAL_ENV;

beforeAll(async () => {
  entry = (await buildBundle()).entry;
  cpu = await serveUniverse({
    name: "lockstep-cli-script-src-cpu",
    packages: {
      torchlike: { versions: { "1.0": { requiresDist: ["helper<2"] } } },
      urlpkg: { versions: { "7.0": {} } },
    },
  });
  // The wheel's own URL (the `cpu` index is explicit: only a source reaches it).
  const page = `${cpu.url}/urlpkg/`;
  const html = await (await fetch(page)).text();
  const href = /href="([^"]*urlpkg-7\.0-py3-none-any\.whl)[^"]*"/.exec(html)?.[1];
  if (!href) throw new Error(`no urlpkg wheel on ${page}: ${html}`);
  wheelUrl = new URL(href, page).href;
  main = await serveUniverse({
    name: "lockstep-cli-script-src-main",
    packages: {
      torchlike: { versions: { "3.0": {} } },
      helper: { versions: { "1.0": {}, "2.0": {} } },
      lib: { versions: { "5.0": {} } },
      gitlib: { versions: { "9.0": {} } },
    },
  });
  base = mkdtempSync(join(tmpdir(), "lockstep-script-src-"));
  env.LOCKSTEP_CACHE_DIR = join(base, "cache");
  repo = new TestRepo(join(base, "repos", "gitlib"));
  repo.commit("1.0", fixtureBackendTree({ name: "gitlib", version: "1.0.0" }));
  repo.tag("v1");
  repo.commit("2.0", fixtureBackendTree({ name: "gitlib", version: "2.0.0" }));
}, 120_000);
afterAll(async () => {
  await Promise.all([cpu?.close(), main?.close()]);
  if (base) rmSync(base, { recursive: true, force: true });
});

function script(sources: string[]): string {
  return [
    "# /// script",
    '# requires-python = ">=3.9"',
    '# dependencies = ["torchlike", "lib", "gitlib", "urlpkg"]',
    "# [[tool.lockstep.index]]",
    '# name = "cpu"',
    `# url = "${cpu.url}"`,
    "# explicit = true",
    "# [tool.lockstep.sources]",
    ...sources.map((l) => `# ${l}`),
    "# ///",
    "import importlib.metadata as m",
    "print(*(m.version(n) for n in ('torchlike', 'lib', 'gitlib', 'urlpkg', 'helper')))",
    "",
  ].join("\n");
}

const SOURCES = [
  'torchlike = { index = "cpu" }',
  'lib = { path = "libdir" }',
  'gitlib = { git = "REPO", tag = "v1" }',
  'urlpkg = { url = "WHEEL" }',
];

describe("a script's own indexes and sources", () => {
  test("index, path (relative to the script) and git sources; an edited path is a new environment", async () => {
    const dir = join(base, "scripts");
    mkdirSync(dir, { recursive: true });
    writeTree(join(dir, "libdir"), fixtureBackendTree({ name: "lib", version: "0.1.0" }));
    writeFileSync(
      join(dir, "script.py"),
      script(SOURCES.map((l) => l.replace("REPO", repo.fileUrl).replace("WHEEL", wheelUrl))),
    );
    const runScript = () =>
      run(
        process.execPath,
        [entry, "run", "--python", PY312, "--index-url", main.url, join("scripts", "script.py")],
        {
          cwd: base,
          env,
        },
      );
    const first = await runScript();
    expect(first.code, first.stderr).toBe(0);
    // Without the sources: torchlike 3.0, lib 5.0, gitlib 9.0 from the default index, no urlpkg at all.
    expect(first.stdout.trim()).toBe("1.0 0.1.0 1.0.0 7.0 1.0");

    writeTree(join(dir, "libdir"), fixtureBackendTree({ name: "lib", version: "0.2.0" }));
    const second = await runScript();
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout.trim()).toBe("1.0 0.2.0 1.0.0 7.0 1.0");
  }, 240_000);

  test("run --with over a script takes the script's sources", async () => {
    const dir = join(base, "with");
    mkdirSync(dir, { recursive: true });
    const text = [
      "# /// script",
      '# dependencies = ["torchlike"]',
      "# [[tool.lockstep.index]]",
      '# name = "cpu"',
      `# url = "${cpu.url}"`,
      "# explicit = true",
      "# [tool.lockstep.sources]",
      '# torchlike = { index = "cpu" }',
      `# urlpkg = { url = "${wheelUrl}" }`,
      "# ///",
      "import importlib.metadata as m",
      "print(m.version('torchlike'), m.version('urlpkg'))",
      "",
    ].join("\n");
    writeFileSync(join(dir, "script.py"), text);
    const res = await run(
      process.execPath,
      [entry, "run", "--python", PY312, "--index-url", main.url, "--with", "urlpkg", "script.py"],
      { cwd: dir, env },
    );
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout.trim()).toBe("1.0 7.0");
  }, 240_000);

  test.each([
    [
      "an undeclared index",
      ['torchlike = { index = "nope" }'],
      'error: script.py:9:23: no index named "nope" is defined in [[tool.lockstep.index]]',
    ],
  ])(
    "%s names the script's line",
    async (_name, sources, message) => {
      const dir = join(base, "bad");
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "script.py"), script(sources));
      const res = await run(process.execPath, [entry, "run", "--python", PY312, "script.py"], {
        cwd: dir,
        env,
      });
      expect(res.code).not.toBe(0);
      // The line is the script's; the column counts within the block's line (after `# `).
      expect(res.stderr.split("\n")[0]).toBe(message);
    },
    60_000,
  );
});
