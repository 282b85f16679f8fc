/**
 * `lockstep version`, `self version` and `--version`, in-process through `main`: bumps written in
 * place (only the version string changes), `--dry-run`, `--short`, `--set`, JSON, and the refusals.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { main, VERSION } from "../run-cli";

async function lockstep(argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
  });
  return { code, stdout, stderr };
}

const PYPROJECT = (version: string) =>
  [
    "# the demo project",
    "[project]",
    'name = "demo"',
    `version = "${version}"   # keep this comment`,
    "dependencies = [",
    '  "attrly>=23",',
    "]",
    "",
  ].join("\n");

function project(version: string): string {
  const dir = mkdtempSync(join(tmpdir(), "lockstep-version-"));
  writeFileSync(join(dir, "pyproject.toml"), PYPROJECT(version));
  return dir;
}

describe("lockstep version --bump", () => {
  test.each([
    ["1.2.3", ["major"], "2.0.0"],
    ["1.2.3", ["minor"], "1.3.0"],
    ["1.2.3", ["patch"], "1.2.4"],
    ["1.2.3a1", ["patch"], "1.2.3"],
    ["1.2.3a1", ["alpha"], "1.2.3a2"],
    ["1.2.3a2", ["beta"], "1.2.3b1"],
    ["1.2.3b1", ["rc"], "1.2.3rc1"],
    ["1.2.3rc2", ["stable"], "1.2.3"],
    ["1.2.3", ["post"], "1.2.3.post1"],
    ["1.2.3.dev1", ["dev"], "1.2.3.dev2"],
    ["1.2.3", ["patch", "beta"], "1.2.4b1"],
  ])("%s --bump %j → %s, written in place", async (from, bumps, to) => {
    const dir = project(from);
    const res = await lockstep(["version", "--project", dir, ...bumps.flatMap((b) => ["--bump", b])]);
    expect(res).toEqual({ code: 0, stdout: `demo ${from} => ${to}\n`, stderr: "" });
    expect(readFileSync(join(dir, "pyproject.toml"), "utf8")).toBe(PYPROJECT(to));
  });
});

describe("lockstep version", () => {
  test("prints name and version; --short the version; json both", async () => {
    const dir = project("0.4.0");
    expect(await lockstep(["version", "--project", dir])).toEqual({
      code: 0,
      stdout: "demo 0.4.0\n",
      stderr: "",
    });
    expect((await lockstep(["version", "--project", dir, "--short"])).stdout).toBe("0.4.0\n");
    expect(
      JSON.parse((await lockstep(["version", "--project", dir, "--output-format", "json"])).stdout),
    ).toEqual({
      name: "demo",
      version: "0.4.0",
    });
  });

  test("--dry-run prints the new version and leaves the file alone; --set writes a normalized version", async () => {
    const dir = project("0.4.0");
    const dry = await lockstep(["version", "--project", dir, "--bump", "minor", "--dry-run", "--short"]);
    expect(dry.stdout).toBe("0.5.0\n");
    expect(dry.stderr).toBe(`Not written (--dry-run): ${join(dir, "pyproject.toml")}\n`);
    expect(readFileSync(join(dir, "pyproject.toml"), "utf8")).toBe(PYPROJECT("0.4.0"));
    const set = await lockstep(["version", "--project", dir, "--set", "1.0.0-RC1"]);
    expect(set.stdout).toBe("demo 0.4.0 => 1.0.0rc1\n");
    expect(readFileSync(join(dir, "pyproject.toml"), "utf8")).toBe(PYPROJECT("1.0.0rc1"));
  });

  test("a dynamic version is refused with the file named", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lockstep-version-"));
    const file = join(dir, "pyproject.toml");
    writeFileSync(file, '[project]\nname = "dyn"\ndynamic = ["version"]\n');
    expect(await lockstep(["version", "--project", dir, "--bump", "patch"])).toEqual({
      code: 1,
      stdout: "",
      stderr: `error: ${file}: the version is dynamic (listed in project.dynamic): the build backend computes it, so there is nothing to edit\n  hint: change the version where the backend reads it from, or make it static in [project]\n`,
    });
    expect((await lockstep(["version", "--project", dir])).stderr).toBe(
      `error: ${file}: the version is dynamic (listed in project.dynamic): the build backend computes it\n  hint: build the project to see it, or make it static in [project]\n`,
    );
  });

  test.each([
    [
      ["--bump", "beta"],
      1,
      "error: Cannot bump version 1.2.3 with --bump beta: 1.2.3b1 would sort before 1.2.3\n  hint: combine it with a release bump, e.g. --bump patch --bump beta\n",
    ],
    [["--set", "one"], 1, /^error: Failed to parse version "one"/],
    [
      ["--bump", "huge"],
      2,
      /^error: Invalid values:\n {2}Argument: bump, Given: "huge", Choices: "major", "minor"/,
    ],
    [["--bump", "patch", "--set", "2.0"], 2, /^error: .*(bump|set)/],
  ])("version %j is refused and the file is unchanged", async (args, code, stderr) => {
    const dir = project("1.2.3");
    const res = await lockstep(["version", "--project", dir, ...args]);
    expect(res.code).toBe(code);
    if (typeof stderr === "string") expect(res.stderr).toBe(stderr);
    else expect(res.stderr).toMatch(stderr);
    expect(readFileSync(join(dir, "pyproject.toml"), "utf8")).toBe(PYPROJECT("1.2.3"));
  });
});

test("self version prints lockstep's own version (`--version` is answered by main.ts before the parser; cli.test.ts runs it)", async () => {
  expect(await lockstep(["self", "version"])).toEqual({
    code: 0,
    stdout: `lockstep ${VERSION}\n`,
    stderr: "",
  });
  expect(JSON.parse((await lockstep(["self", "version", "--output-format", "json"])).stdout)).toEqual({
    name: "lockstep",
    version: VERSION,
  });
});
