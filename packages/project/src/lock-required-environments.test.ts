/**
 * `[tool.lockstep] required-environments` from pyproject.toml to the resolver: a package whose
 * only release has just a Linux wheel cannot be locked with Windows required (the error names the
 * package and the environment); with an older release that has a universal wheel, that one is
 * locked; without the setting, the newest.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serveUniverse } from "@lockstep/fixtures";
import type { IndexServer } from "@lockstep/fixtures";
import { readLock } from "@lockstep/lockfile";
import { afterAll, beforeAll, expect, test } from "vitest";
import { lockProject } from "./lock-project";

const work = mkdtempSync(join(tmpdir(), "lockstep-lock-required-envs-"));
let server: IndexServer;

beforeAll(async () => {
  const linuxOnly = { wheels: [{ tags: "cp312-cp312-manylinux_2_17_x86_64" }], sdist: false };
  server = await serveUniverse({
    name: "lock-required-envs",
    packages: {
      foo: { versions: { "1.0": { sdist: false }, "2.0": linuxOnly } },
      bar: { versions: { "2.0": linuxOnly } },
    },
  });
});
afterAll(async () => {
  await server?.close();
  rmSync(work, { recursive: true, force: true });
});

async function lock(name: string, dependency: string, required: string | undefined): Promise<string> {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  const setting = required
    ? `\n[tool.lockstep]\nrequired-environments = [${JSON.stringify(required)}]\n`
    : "";
  writeFileSync(
    join(dir, "pyproject.toml"),
    `[project]\nname = "${name}"\nversion = "0.1.0"\nrequires-python = ">=3.9"\ndependencies = ["${dependency}"]\n${setting}`,
  );
  try {
    await lockProject({
      project: dir,
      indexUrl: server.url,
      cacheDir: join(work, "cache"),
      lockstepVersion: "0.1.0",
    });
  } catch (err) {
    return (err as Error).message;
  }
  return readLock(readFileSync(join(dir, "pylock.toml"), "utf8"), "pylock.toml")
    .packages.map((p) => `${p.name}==${p.version?.toString() ?? "?"}`)
    .join(" ");
}

test.each<[string, string, string | undefined, string]>([
  ["plain", "foo", undefined, "foo==2.0"],
  ["windows", "foo", "sys_platform == 'win32'", "foo==1.0"],
  ["linux", "foo", "sys_platform == 'linux'", "foo==2.0"],
])("%s", async (name, dependency, required, expected) => {
  expect(await lock(name, dependency, required)).toBe(expected);
});

test("no release fits Windows: the error names the package and the environment", async () => {
  const message = await lock("fails", "bar", "sys_platform == 'win32'");
  expect(message).toContain("bar==2.0");
  expect(message).toContain(
    "no wheel for sys_platform == 'win32' (a required environment) and no source distribution",
  );
});
