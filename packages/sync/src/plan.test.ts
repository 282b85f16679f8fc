/** planSync as a table: what is installed × what is wanted → which list each package lands in. */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { readInstalled } from "./installed";
import type { InstalledDistribution, InstalledSet } from "./installed";
import { isNoop, planSync } from "./plan";
import type { PlannedDistribution, PlanOptions } from "./plan";
import { formatDuration, formatSyncSummary } from "./summary";

const want = (spec: string, extra: Partial<PlannedDistribution> = {}): PlannedDistribution => {
  const [name, version] = spec.split("==") as [string, string];
  return {
    name,
    version,
    kind: "wheel",
    url: `https://files.example/${name}-${version}-py3-none-any.whl`,
    hashes: {},
    ...extra,
  };
};
const have = (spec: string, extra: Partial<InstalledDistribution> = {}): InstalledDistribution => {
  const [name, version] = spec.split("==") as [string, string];
  return {
    name,
    version,
    distInfo: `/venv/site/${name}-${version}.dist-info`,
    installer: "lockstep",
    requested: false,
    directUrl: undefined,
    incomplete: false,
    extra: [],
    ...extra,
  };
};
const set = (...ds: InstalledDistribution[]): InstalledSet => new Map(ds.map((d) => [d.name, d]));

function summarize(desired: PlannedDistribution[], installed: InstalledSet, options: PlanOptions = {}) {
  const plan = planSync(desired, installed, options);
  return {
    install: plan.install.map((d) => `${d.name}==${d.version}`),
    reinstall: plan.reinstall.map((r) => `${r.installed.version}->${r.desired.version}:${r.reason}`),
    remove: plan.remove.map((d) => `${d.name}==${d.version}`),
    unchanged: plan.unchanged.map((d) => d.name),
  };
}

describe("planSync", () => {
  test.each([
    [
      "nothing installed",
      [want("a==1.0")],
      set(),
      { install: ["a==1.0"], reinstall: [], remove: [], unchanged: [] },
    ],
    [
      "same version",
      [want("a==1.0")],
      set(have("a==1.0")),
      { install: [], reinstall: [], remove: [], unchanged: ["a"] },
    ],
    [
      "PEP 440 equal versions",
      [want("a==1.0")],
      set(have("a==1.0.0")),
      { install: [], reinstall: [], remove: [], unchanged: ["a"] },
    ],
    [
      "upgrade",
      [want("a==2.0")],
      set(have("a==1.0")),
      { install: [], reinstall: ["1.0->2.0:upgrade"], remove: [], unchanged: [] },
    ],
    [
      "downgrade",
      [want("a==1.0rc1")],
      set(have("a==1.0")),
      { install: [], reinstall: ["1.0->1.0rc1:downgrade"], remove: [], unchanged: [] },
    ],
    [
      "extra removed",
      [],
      set(have("pip==24.0"), have("setuptools==70.0")),
      { install: [], reinstall: [], remove: ["pip==24.0", "setuptools==70.0"], unchanged: [] },
    ],
    [
      "index install wanted, URL install present",
      [want("a==1.0")],
      set(have("a==1.0", { directUrl: { url: "file:///src/a", dir_info: {} } })),
      { install: [], reinstall: ["1.0->1.0:source"], remove: [], unchanged: [] },
    ],
    [
      "editable wanted, same directory installed non-editable",
      [want("a==1.0", { kind: "directory", path: "/src/a", url: undefined, editable: true })],
      set(have("a==1.0", { directUrl: { url: "file:///src/a", dir_info: {} } })),
      { install: [], reinstall: ["1.0->1.0:source"], remove: [], unchanged: [] },
    ],
    [
      "editable wanted and installed",
      [want("a==1.0", { kind: "directory", path: "/src/a", url: undefined, editable: true })],
      set(have("a==1.0", { directUrl: { url: "file:///src/a", dir_info: { editable: true } } })),
      { install: [], reinstall: [], remove: [], unchanged: ["a"] },
    ],
    [
      "interrupted install",
      [want("a==1.0")],
      set(have("a==1.0", { incomplete: true })),
      { install: [], reinstall: ["1.0->1.0:repair"], remove: [], unchanged: [] },
    ],
    [
      "names compare canonically",
      [want("Foo.Bar==1.0")],
      set(have("foo-bar==1.0")),
      { install: [], reinstall: [], remove: [], unchanged: ["Foo.Bar"] },
    ],
  ])("%s", (_name, desired, installed, expected) => {
    expect(summarize(desired, installed)).toEqual(expected);
  });

  test("inexact keeps extras but still repairs interrupted ones", () => {
    const installed = set(have("keep==1.0"), have("broken==1.0", { incomplete: true }));
    expect(summarize([], installed, { inexact: true }).remove).toEqual(["broken==1.0"]);
  });

  test("isNoop", () => {
    expect(isNoop(planSync([want("a==1.0")], set(have("a==1.0"))))).toBe(true);
    expect(isNoop(planSync([], set(have("a==1.0"))))).toBe(false);
  });
});

describe("readInstalled", () => {
  test("reads names, versions, INSTALLER, REQUESTED, direct_url.json and interrupted states", () => {
    const site = mkdtempSync(join(tmpdir(), "ls-installed-"));
    const dist = (dir: string, files: Record<string, string>) => {
      mkdirSync(join(site, dir));
      for (const [name, text] of Object.entries(files)) writeFileSync(join(site, dir, name), text);
    };
    dist("Foo_Bar-1.0.dist-info", { RECORD: "", INSTALLER: "pip\n", REQUESTED: "" });
    dist("local-2.0.dist-info", {
      RECORD: "",
      "direct_url.json": '{"url": "file:///src/local", "dir_info": {"editable": true}}',
    });
    dist("half-1.0.dist-info", { RECORD: "", LOCKSTEP_INCOMPLETE: "" });
    dist("norecord-1.0.dist-info", { METADATA: "Name: norecord\nVersion: 1.0\n" });
    dist("odd.dist-info", { RECORD: "", METADATA: "Metadata-Version: 2.1\nName: Odd\nVersion: 3.1\n" });
    dist("dup-1.0.dist-info", { RECORD: "" });
    dist("Dup-2.0.dist-info", { RECORD: "" });
    mkdirSync(join(site, "foo_bar"));
    const got = readInstalled(site);
    const row = (n: string) => {
      const d = got.get(n)!;
      return [
        d.version,
        d.installer ?? "-",
        d.requested,
        d.directUrl?.url ?? "-",
        d.incomplete,
        d.extra.map((e) => e.version),
      ];
    };
    expect([...got.keys()].sort()).toEqual(["dup", "foo-bar", "half", "local", "norecord", "odd"]);
    expect(row("foo-bar")).toEqual(["1.0", "pip", true, "-", false, []]);
    expect(row("local")).toEqual(["2.0", "-", false, "file:///src/local", false, []]);
    expect(row("half")).toEqual(["1.0", "-", false, "-", true, []]);
    expect(row("norecord")).toEqual(["1.0", "-", false, "-", true, []]);
    expect(row("odd")).toEqual(["3.1", "-", false, "-", false, []]);
    expect(row("dup")).toEqual(["2.0", "-", false, "-", false, ["1.0"]]);
    expect(readInstalled(join(site, "missing")).size).toBe(0);
  });
});

describe("summary", () => {
  test.each([
    [0.4, "0ms"],
    [94, "94ms"],
    [999.4, "999ms"],
    [1234, "1.23s"],
  ])("%d ms reads %s", (ms, text) => expect(formatDuration(ms)).toBe(text));

  test("one package is singular", () => {
    expect(
      formatSyncSummary({
        installed: [{ name: "a", version: "1" }],
        uninstalled: [],
        installMs: 5,
        uninstallMs: 0,
      }),
    ).toBe("Installed 1 package in 5ms\n + a==1");
  });
});
