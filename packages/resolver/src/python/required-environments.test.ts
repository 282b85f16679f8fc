/**
 * `required-environments`: a version with no wheel (and no sdist) for a required environment it
 * applies in is passed over; when no version is left, the report names the package and the
 * environment. Also the platform-tag → marker table the check relies on.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SpecifierSet } from "@lockstep/pep440";
import { Marker } from "@lockstep/pep508";
import type { IndexServer, Universe } from "@lockstep/fixtures";
import { serveUniverse } from "@lockstep/fixtures";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { lockstepResolve, newClient } from "../../testing/lockstep-runner";
import { platformTagMarker } from "./required-environments";

const LINUX_ONLY = { wheels: [{ tags: "cp312-cp312-manylinux_2_17_x86_64" }], sdist: false };

const both: Universe = {
  name: "required-envs-both",
  packages: {
    foo: { versions: { "1.0": { sdist: false }, "2.0": LINUX_ONLY } },
    // Requires foo only on Linux: Windows never needs it.
    linuxy: { versions: { "1.0": { requiresDist: ["foo; sys_platform == 'linux'"] } } },
    // foo 2.0 also ships an sdist here.
    bar: { versions: { "1.0": { sdist: false }, "2.0": { ...LINUX_ONLY, sdist: true } } },
    // Needs foo through a Windows-only edge, two levels down.
    winner: { versions: { "1.0": { requiresDist: ["middle; sys_platform == 'win32'"] } } },
    middle: { versions: { "1.0": { requiresDist: ["foo"] } } },
  },
};
const onlyNew: Universe = {
  name: "required-envs-only-new",
  packages: { foo: { versions: { "2.0": LINUX_ONLY } } },
};

let servers: IndexServer[] = [];
let cache: string;
beforeAll(async () => {
  servers = await Promise.all([serveUniverse(both), serveUniverse(onlyNew)]);
  cache = await mkdtemp(join(tmpdir(), "lockstep-required-envs-"));
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await rm(cache, { recursive: true, force: true });
});

async function lock(server: IndexServer, requirements: string[], required: string[]) {
  const outcome = await lockstepResolve(
    newClient(server.url, join(cache, server.url.replace(/\W/g, ""))),
    requirements,
    {
      target: { kind: "universal", requiredEnvironments: required.map((m) => Marker.parse(m)) },
      requiresPython: SpecifierSet.parse(">=3.9"),
    },
  );
  return outcome.kind === "solved"
    ? outcome.resolution.packages.map((p) => `${p.name}==${p.version.toString()}`).join(" ")
    : outcome.report;
}

describe("required-environments in a universal resolution", () => {
  test.each<[string, string[], string[], string]>([
    ["no required environments: the newest", ["foo"], [], "foo==2.0"],
    [
      "Windows required: the version with a universal wheel",
      ["foo"],
      ["sys_platform == 'win32'"],
      "foo==1.0",
    ],
    ["Linux required: the Linux wheel fits", ["foo"], ["sys_platform == 'linux'"], "foo==2.0"],
    [
      "Linux on aarch64 required: the x86_64 wheel does not fit",
      ["foo"],
      ["sys_platform == 'linux' and platform_machine == 'aarch64'"],
      "foo==1.0",
    ],
    ["macOS via platform_system", ["foo"], ["platform_system == 'Darwin'"], "foo==1.0"],
    ["foo needed only on Linux", ["linuxy"], ["sys_platform == 'win32'"], "foo==2.0 linuxy==1.0"],
    ["an sdist serves any environment", ["bar"], ["sys_platform == 'win32'"], "bar==2.0"],
    [
      "needed on Windows two edges down",
      ["winner"],
      ["sys_platform == 'win32'"],
      "foo==1.0 middle==1.0 winner==1.0",
    ],
  ])("%s", async (_name, requirements, required, expected) => {
    expect(await lock(servers[0] as IndexServer, requirements, required)).toBe(expected);
  });

  test("no version fits: the report names the package and the environment", async () => {
    const report = await lock(servers[1] as IndexServer, ["foo"], ["sys_platform == 'win32'"]);
    expect(report).toMatchInlineSnapshot(`
      "No solution found when resolving dependencies:
        Because foo==2.0 is unavailable because it has no wheel for sys_platform == 'win32' (a required environment) and no source distribution and only foo==2.0 is available, foo cannot be used.
        So, because your project depends on foo, version solving failed."
    `);
  });
});

describe("platform tags as markers", () => {
  test.each<[string, string]>([
    ["any", ""],
    ["win_amd64", "sys_platform == 'win32' and platform_machine == 'AMD64'"],
    ["win32", "sys_platform == 'win32' and platform_machine == 'x86'"],
    ["manylinux_2_17_aarch64", "sys_platform == 'linux' and platform_machine == 'aarch64'"],
    ["musllinux_1_2_x86_64", "sys_platform == 'linux' and platform_machine == 'x86_64'"],
    ["linux_armv7l", "sys_platform == 'linux' and platform_machine == 'armv7l'"],
    ["macosx_11_0_arm64", "sys_platform == 'darwin' and platform_machine == 'arm64'"],
    [
      "macosx_10_9_universal2",
      "sys_platform == 'darwin' and platform_machine == 'arm64' or sys_platform == 'darwin' and platform_machine == 'x86_64'",
    ],
    ["freebsd_14_0_amd64", "<false>"],
  ])("%s", (tag, expected) => {
    const m = platformTagMarker(tag);
    expect(m.isFalse() ? "<false>" : m.toString()).toBe(expected);
  });
});
