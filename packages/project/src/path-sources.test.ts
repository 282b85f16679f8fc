/**
 * Path plans and pins on a real directory tree: which names are pinned (members, path sources,
 * `name @ file://`), how a directory's static metadata becomes Requires-Dist (extras behind
 * `extra == …`), when the backend must prepare it, a wheel read from its METADATA, the inputs'
 * source records, and the errors for a bad path or a workspace source that is no member.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { findWorkspace } from "@lockstep/pyproject";
import { describe, expect, test } from "vitest";
import {
  pathPlans,
  sourcePins,
  sourceRecords,
  staticMetadata,
  workspaceRequiresPython,
} from "./path-sources";

function write(path: string, text: string): void {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
}

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "lockstep-path-sources-"));
  for (const [rel, text] of Object.entries(files)) write(join(dir, rel), text);
  return dir;
}

const lib = (name: string, body = "") =>
  `[project]\nname = "${name}"\nversion = "1.0"\nrequires-python = ">=3.10"\n${body}`;

describe("staticMetadata", () => {
  test.each<[string, string, string[] | undefined]>([
    ["dependencies", 'dependencies = ["a>=1", "b; os_name == \'nt\'"]\n', ["a>=1", "b; os_name == 'nt'"]],
    [
      "extras behind extra markers",
      '[project.optional-dependencies]\nx = ["c", "d; python_version < \'3.12\'"]\n',
      ["c; extra == 'x'", "d; python_version < '3.12' and extra == 'x'"],
    ],
    ["dynamic dependencies: the backend must prepare them", 'dynamic = ["dependencies"]\n', undefined],
  ])("%s", (_name, body, expected) => {
    const dir = tree({ "pyproject.toml": lib("lib", body) });
    expect(staticMetadata(dir)?.requiresDist.map((r) => r.toString())).toEqual(expected);
  });

  test("no version: prepared", () => {
    const dir = tree({ "pyproject.toml": '[project]\nname = "lib"\ndynamic = ["version"]\n' });
    expect(staticMetadata(dir)).toBeUndefined();
  });
});

describe("pathPlans", () => {
  test("members, path sources and name @ file:// requirements are pinned", async () => {
    const root = tree({
      "pyproject.toml": [
        '[project]\nname = "app"\nversion = "0.1"\nrequires-python = ">=3.9"',
        'dependencies = ["m1", "dirlib", "whl"]',
        "[tool.lockstep.sources]",
        "m1 = { workspace = true }",
        'dirlib = { path = "../outside/dirlib", editable = true }',
        'whl = { path = "dist/whl-2.0-py3-none-any.whl" }',
        "[tool.lockstep.workspace]",
        'members = ["members/*"]',
        "",
      ].join("\n"),
      "members/m1/pyproject.toml": lib("m1"),
      "members/m2/pyproject.toml": lib("m2", 'dependencies = ["m1"]\n'),
    });
    const outside = join(root, "..", "outside");
    write(join(outside, "dirlib", "pyproject.toml"), lib("dirlib", 'dynamic = ["dependencies"]\n'));
    const filelib = join(root, "vendor", "filelib");
    write(join(filelib, "pyproject.toml"), lib("filelib"));
    // m2 asks for filelib by URL.
    write(
      join(root, "members", "m2", "pyproject.toml"),
      lib("m2", `dependencies = ["m1", "filelib @ ${pathToFileURL(filelib).href}"]\n`),
    );
    mkdirSync(join(root, "dist"));
    execFileSync("python3", [
      "-c",
      "import sys, zipfile; zipfile.ZipFile(sys.argv[1], 'w').writestr('whl-2.0.dist-info/METADATA', sys.argv[2])",
      join(root, "dist", "whl-2.0-py3-none-any.whl"),
      "Metadata-Version: 2.1\nName: whl\nVersion: 2.0\nRequires-Dist: dep<3\n",
    ]);
    const ws = findWorkspace(root);
    const plans = pathPlans(ws);
    expect(
      [...plans.values()].map(
        (p) => `${p.name}: ${p.source.kind} ${p.source.kind === "directory" ? p.source.editable : ""}`,
      ),
    ).toEqual([
      "dirlib: directory true",
      "whl: archive ",
      "filelib: directory false",
      "m1: directory true",
      "m2: directory true",
    ]);
    expect(workspaceRequiresPython(ws)?.toString()).toBe(">=3.9,>=3.10");
    const records = sourceRecords(plans, root);
    expect(Object.keys(records)).toEqual(["dirlib", "filelib", "m1", "m2", "whl"]);
    expect(records.dirlib).toMatch(/^directory \.\.\/outside\/dirlib editable [0-9a-f]{16}$/);
    expect(records.whl).toMatch(/^archive dist\/whl-2\.0-py3-none-any\.whl [0-9a-f]{16}$/);

    const prepared: string[] = [];
    const pins = sourcePins(plans, (path) => {
      prepared.push(path);
      return Promise.resolve("Metadata-Version: 2.1\nName: dirlib\nVersion: 3.0\nRequires-Dist: fromhook\n");
    });
    const dirlib = await pins.get("dirlib")?.load();
    expect([dirlib?.version.toString(), dirlib?.requiresDist.map(String)]).toEqual(["3.0", ["fromhook"]]);
    expect(prepared).toEqual([join(outside, "dirlib")]);
    const whl = await pins.get("whl")?.load();
    expect(whl?.requiresDist.map(String)).toEqual(["dep<3"]);
    expect(whl?.source).toMatchObject({
      kind: "archive",
      hashes: { sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    const m2 = await pins.get("m2")?.load();
    expect(m2?.requiresDist.map(String)).toEqual(["m1", `filelib @ ${pathToFileURL(filelib).href}`]);
  });

  test.each([
    [
      'x = { path = "nope" }',
      (dir: string) =>
        `[tool.lockstep.sources] x = { path = "nope" }: the path "${join(dir, "nope")}" does not exist`,
    ],
    [
      'x = { path = "notes.txt" }',
      (dir: string) =>
        `[tool.lockstep.sources] x = { path = "notes.txt" }: "${join(dir, "notes.txt")}" is neither a directory nor a wheel or sdist (.whl, .tar.gz, .zip)`,
    ],
    [
      "x = { workspace = true }",
      (dir: string) =>
        `[tool.lockstep.sources] x = { workspace = true }: "x" is not a member of the workspace at ${dir}`,
    ],
  ])("%s is an error naming the entry and the path", (source, message) => {
    const dir = tree({
      "pyproject.toml": `[project]\nname = "app"\nversion = "1"\ndependencies = ["x"]\n[tool.lockstep.sources]\n${source}\n`,
      "notes.txt": "",
    });
    expect(() => pathPlans(findWorkspace(dir))).toThrow(message(dir));
  });
});
