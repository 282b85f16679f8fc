/**
 * A package whose source depends on the environment (source-pins.ts `SourceVariant`): the
 * resolution forks on the sources' markers, each fork takes the package from its own source, and
 * the merged graph keeps one entry per source (even at one version) with disjoint markers. Three
 * indexes: `cpu` and `cu` serve `torch` builds, the default serves torch 3.0, `app` and `dep`.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { IndexClient } from "@lockstep/index";
import { SpecifierSet, Version } from "@lockstep/pep440";
import { Marker, Requirement } from "@lockstep/pep508";
import type { IndexServer } from "@lockstep/fixtures";
import { serveUniverse } from "@lockstep/fixtures";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { PIP_TARGET, lockstepResolve, specificOptions } from "../../testing/lockstep-runner";
import type { ResolveOptions } from "./options";
import type { SourceVariant } from "./source-pins";

let cpu: IndexServer;
let cu: IndexServer;
let main: IndexServer;
let cache: string;

beforeAll(async () => {
  cpu = await serveUniverse({
    name: "variants-cpu",
    packages: { torch: { versions: { "1.0": { requiresDist: ["dep<2"] } } } },
  });
  cu = await serveUniverse({
    name: "variants-cu",
    packages: { torch: { versions: { "1.0": {}, "2.0": { requiresDist: ["dep>=2"] } } } },
  });
  main = await serveUniverse({
    name: "variants-main",
    packages: {
      torch: { versions: { "3.0": {} } },
      app: { versions: { "1.0": { requiresDist: ["torch"] } } },
      dep: { versions: { "1.0": {}, "2.0": {} } },
      lib: { versions: { "5.0": {} } },
    },
  });
  cache = await mkdtemp(join(tmpdir(), "lockstep-conditional-sources-"));
});
afterAll(async () => {
  await Promise.all([cpu.close(), cu.close(), main.close()]);
  await rm(cache, { recursive: true, force: true });
});

const LINUX = Marker.parse("sys_platform == 'linux'");
const WIN = Marker.parse("sys_platform == 'win32'");
const REST = LINUX.or(WIN).not();

const variants = new Map<string, SourceVariant[]>([
  [
    "torch",
    [
      { marker: LINUX, key: "index cpu", index: "cpu" },
      { marker: WIN, key: "index cu", index: "cu" },
      { marker: REST, key: "" },
    ],
  ],
  [
    "lib",
    [
      {
        marker: Marker.parse("os_name == 'posix'"),
        key: "path /src/lib",
        pin: {
          describe: "path /src/lib",
          load: () =>
            Promise.resolve({
              version: Version.parse("0.1"),
              requiresDist: [Requirement.parse("dep==1.0")],
              requiresPython: undefined,
              source: { kind: "directory", path: "/src/lib", editable: false },
            }),
        },
      },
      { marker: Marker.parse("os_name != 'posix'"), key: "" },
    ],
  ],
]);

function client(dir: string): IndexClient {
  return new IndexClient({
    indexes: [
      { name: "cpu", url: cpu.url, explicit: true },
      { name: "cu", url: cu.url, explicit: true },
      { url: main.url, default: true },
    ],
    cacheDir: join(cache, dir),
  });
}

async function resolve(requirements: string[], options: ResolveOptions, dir: string): Promise<string[]> {
  const c = client(dir);
  try {
    const outcome = await lockstepResolve(c, requirements, { ...options, conditionalSources: variants });
    if (outcome.kind !== "solved") return [outcome.report];
    return outcome.resolution.packages.map((p) => {
      const from = p.candidate.pinned
        ? p.candidate.pinned.source.kind
        : new URL(p.candidate.wheels[0]?.file.url ?? "").port === new URL(cpu.url).port
          ? "cpu"
          : new URL(p.candidate.wheels[0]?.file.url ?? "").port === new URL(cu.url).port
            ? "cu"
            : "main";
      return `${p.name}==${p.version.toString()} from ${from} ; ${p.marker.toString()}`;
    });
  } finally {
    c.close();
  }
}

describe("universal: one entry per source, under its marker", () => {
  test.each<[string, string[], string[]]>([
    [
      "a direct dependency",
      ["torch"],
      [
        "dep==1.0 from main ; sys_platform == 'linux'",
        "dep==2.0 from main ; sys_platform == 'win32'",
        "torch==1.0 from cpu ; sys_platform == 'linux'",
        "torch==2.0 from cu ; sys_platform == 'win32'",
        "torch==3.0 from main ; sys_platform != 'linux' and sys_platform != 'win32'",
      ],
    ],
    [
      "a transitive dependency takes the same sources",
      ["app"],
      [
        "app==1.0 from main ; ",
        "dep==1.0 from main ; sys_platform == 'linux'",
        "dep==2.0 from main ; sys_platform == 'win32'",
        "torch==1.0 from cpu ; sys_platform == 'linux'",
        "torch==2.0 from cu ; sys_platform == 'win32'",
        "torch==3.0 from main ; sys_platform != 'linux' and sys_platform != 'win32'",
      ],
    ],
    [
      "one version on two indexes stays two entries",
      ["torch<2; sys_platform == 'linux' or sys_platform == 'win32'"],
      [
        "dep==1.0 from main ; sys_platform == 'linux'",
        "torch==1.0 from cpu ; sys_platform == 'linux'",
        "torch==1.0 from cu ; sys_platform == 'win32'",
      ],
    ],
    [
      "the default index has no torch<2 (environments outside both markers)",
      ["torch<2"],
      [
        "No solution found when resolving dependencies for split (sys_platform != 'linux' and sys_platform != 'win32'):\n  Because only torch==3.0 is available and your project depends on torch<2, version solving failed.",
      ],
    ],
    [
      "a requirement narrowed by its own marker",
      ["torch; sys_platform == 'linux'"],
      ["dep==1.0 from main ; sys_platform == 'linux'", "torch==1.0 from cpu ; sys_platform == 'linux'"],
    ],
    [
      "a path source on POSIX, the index elsewhere",
      ["lib"],
      [
        "dep==1.0 from main ; os_name == 'posix'",
        "lib==0.1 from directory ; os_name == 'posix'",
        "lib==5.0 from main ; os_name != 'posix'",
      ],
    ],
  ])("%s", async (_name, requirements, expected) => {
    const options: ResolveOptions = {
      target: { kind: "universal" },
      requiresPython: SpecifierSet.parse(">=3.9"),
    };
    const got = await resolve(requirements, options, "universal");
    expect(got).toEqual(expected);
  });
});

describe("specific: the target environment's source", () => {
  test.each<[string, string[], string[]]>([
    ["linux takes the cpu index", ["torch"], ["dep==1.0 from main ; ", "torch==1.0 from cpu ; "]],
    ["linux (posix) takes the path", ["lib"], ["dep==1.0 from main ; ", "lib==0.1 from directory ; "]],
  ])("%s", async (_name, requirements, expected) => {
    const got = await resolve(requirements, specificOptions(PIP_TARGET), "specific");
    expect(got).toEqual(expected);
  });
});

describe("a locked version is preferred per source", () => {
  test.each<[string, Array<[string, string]>, string]>([
    ["the cu source's own preference is kept", [["torch index cu", "1.0"]], "torch==1.0 from cu"],
    // A version locked from another source (or by plain name) says nothing about this one.
    ["a preference by plain name is not the cu source's", [["torch", "1.0"]], "torch==2.0 from cu"],
    ["another source's preference is ignored", [["torch index cpu", "1.0"]], "torch==2.0 from cu"],
  ])("%s", async (_name, preferences, expected) => {
    const options: ResolveOptions = {
      target: { kind: "universal" },
      requiresPython: SpecifierSet.parse(">=3.9"),
      preferences: new Map(preferences.map(([k, v]) => [k, Version.parse(v)])),
    };
    const got = await resolve(["torch; sys_platform == 'win32'"], options, "preferences");
    expect(got.filter((l) => l.startsWith("torch")).map((l) => l.split(" ;")[0])).toEqual([expected]);
  });
});
