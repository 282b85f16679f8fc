/**
 * The existing lock's versions as preferences: kept by a plain re-lock, discarded (with one line
 * saying so) when the resolution strategy, prerelease mode or exclude-newer changed;
 * `--upgrade-package name==version` moves to exactly that version or fails naming it.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serveUniverse } from "@lockstep/fixtures";
import type { IndexServer } from "@lockstep/fixtures";
import { readLock } from "@lockstep/lockfile";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { lockProject } from "./lock-project";
import type { LockProjectOptions } from "./lock-project";

const VERSION = "0.1.0";
let server: IndexServer;
const work = mkdtempSync(join(tmpdir(), "lockstep-lock-preferences-"));
const cacheDir = join(work, "cache");

beforeAll(async () => {
  server = await serveUniverse({
    name: "lock-preferences",
    packages: {
      lib: {
        versions: {
          "1.0": { uploadTime: "2024-01-01T00:00:00Z" },
          "1.1": { uploadTime: "2024-02-01T00:00:00Z" },
          "2.0": { uploadTime: "2024-03-01T00:00:00Z" },
        },
      },
      other: { versions: { "1.0": {} } },
    },
  });
});
afterAll(async () => {
  await server?.close();
  rmSync(work, { recursive: true, force: true });
});

let counter = 0;
function newProject(dependencies: string[]): string {
  const dir = join(work, `p${counter++}`);
  writeProject(dir, dependencies);
  return dir;
}
function writeProject(dir: string, dependencies: string[]): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "pyproject.toml"),
    `[project]\nname = "app"\nversion = "0.1.0"\nrequires-python = ">=3.9"\ndependencies = ${JSON.stringify(dependencies)}\n`,
  );
}

async function lock(project: string, extra: Partial<LockProjectOptions> = {}) {
  const outcome = await lockProject({
    project,
    indexUrl: server.url,
    cacheDir,
    lockstepVersion: VERSION,
    ...extra,
  });
  const text = readFileSync(join(project, "pylock.toml"), "utf8");
  const versions = readLock(text, "pylock.toml")
    .packages.filter((p) => p.name !== "app")
    .map((p) => `${p.name}==${p.version?.toString() ?? "?"}`)
    .join(" ");
  return { versions, warnings: outcome.warnings };
}

async function failure(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => "no error",
    (err: unknown) => `${(err as { code?: string }).code ?? "?"}: ${(err as Error).message}`,
  );
}

describe("preferences from the existing lock", () => {
  test("a plain re-lock keeps the locked version; a changed strategy discards it with one line", async () => {
    const dir = newProject(["lib<2"]);
    expect((await lock(dir)).versions).toBe("lib==1.1");
    writeProject(dir, ["lib"]);
    // The dependency changed, so this resolves, and 1.1 is still preferred.
    expect(await lock(dir)).toEqual({ versions: "lib==1.1", warnings: [] });
    // lowest: without the preference it would be 1.0 anyway; with it kept, 1.1.
    expect(await lock(dir, { resolution: "lowest" })).toEqual({
      versions: "lib==1.0",
      warnings: ["Resolution strategy changed (highest → lowest); ignoring the existing lock's versions"],
    });
  });

  test("a changed exclude-newer discards the preferences too", async () => {
    const dir = newProject(["lib<2"]);
    expect((await lock(dir, { excludeNewer: "2024-01-15" })).versions).toBe("lib==1.0");
    writeProject(dir, ["lib"]);
    expect(await lock(dir, { excludeNewer: "2024-04-01" })).toEqual({
      versions: "lib==2.0",
      warnings: [
        "exclude-newer changed (2024-01-15T00:00:00.000Z → 2024-04-01T00:00:00.000Z); ignoring the existing lock's versions",
      ],
    });
  });

  test("--upgrade-package name==version downgrades and upgrades to exactly that version", async () => {
    const dir = newProject(["lib", "other"]);
    expect((await lock(dir)).versions).toBe("lib==2.0 other==1.0");
    expect((await lock(dir, { upgradePackages: ["lib==1.0"] })).versions).toBe("lib==1.0 other==1.0");
    expect((await lock(dir, { upgradePackages: ["lib==1.1"] })).versions).toBe("lib==1.1 other==1.0");
    // Without a version, the package is simply no longer held to its locked version.
    expect((await lock(dir, { upgradePackages: ["lib"] })).versions).toBe("lib==2.0 other==1.0");
  });

  test.each<[string, string[], string]>([
    [
      "a version that does not exist",
      ["lib==3.0"],
      "upgrade-package-unsatisfiable: Cannot lock lib==3.0 (--upgrade-package): No solution found when resolving dependencies:",
    ],
    [
      "a package the project does not use",
      ["absent==1.0"],
      "upgrade-package-unsatisfiable: Cannot lock absent==1.0 (--upgrade-package): absent is not a dependency of the project",
    ],
    [
      "not a requirement",
      ["lib=="],
      'usage: --upgrade-package: "lib==" is not a package name or a requirement such as name==1.2.3:',
    ],
  ])("--upgrade-package: %s fails naming it", async (_name, upgradePackages, expected) => {
    const dir = newProject(["lib<2"]);
    const message = await failure(
      lockProject({
        project: dir,
        indexUrl: server.url,
        cacheDir,
        lockstepVersion: VERSION,
        upgradePackages,
      }),
    );
    expect(message.split("\n")[0]).toContain(expected);
  });
});
