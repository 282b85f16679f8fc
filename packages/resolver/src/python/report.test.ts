/**
 * The Python report formatter's words, fact by fact (a fake context gives the versions that exist
 * and the markers of recorded requirements), and the hints end to end on small universes served on
 * 127.0.0.1: yanked-only, pre-release-only, no wheel for the target, Requires-Python.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Version, VersionSet } from "@lockstep/pep440";
import { serveUniverse } from "@lockstep/fixtures";
import type { Universe } from "@lockstep/fixtures";
import { afterAll, expect, test } from "vitest";
import { newClient, rootOf, specificOptions, universalOptions } from "../../testing";
import type { External } from "../pubgrub";
import type { ResolveOptions } from "./options";
import type { PyPackage } from "./package";
import { plainPackage, rootPackage } from "./package";
import { PythonReportFormatter, readableSet } from "./report";
import { ResolutionError, resolvePython } from "./resolve";

const VERSIONS: Record<string, string[]> = {
  foo: ["1.0", "1.1", "1.2", "1.3"],
  beta: ["2.1.0"],
  bar: ["1.0", "2.0", "3.0"],
};
const formatter = new PythonReportFormatter(Version.parse("3.12.1"), {
  rootName: "app",
  versions: (name) => VERSIONS[name]?.map((v) => Version.parse(v)),
  edgeMarker: (p, _set, dep) =>
    p.kind === "package" && p.name === "foo" && dep.kind === "package" && dep.name === "bar"
      ? "sys_platform == 'win32'"
      : undefined,
});
/** A set from specifiers, `||` for unions. */
const set = (s: string) =>
  s
    .split("||")
    .map((part) => VersionSet.parse(part.trim()))
    .reduce((a, b) => a.union(b));
const foo = plainPackage("foo");
const bar = plainPackage("bar");
const beta = plainPackage("beta");

test.each<[string, External<PyPackage, VersionSet>, string]>([
  [
    "a range holding every version",
    {
      kind: "fromDependencyOf",
      package: foo,
      set: set(">=1.0,<=1.3"),
      dependency: beta,
      dependencySet: set(">=2"),
    },
    "all versions of foo depend on beta>=2",
  ],
  [
    "an upper bound at the newest version",
    {
      kind: "fromDependencyOf",
      package: foo,
      set: set("<=1.3"),
      dependency: beta,
      dependencySet: set(">=2"),
    },
    "all versions of foo depend on beta>=2",
  ],
  [
    "a range holding one version",
    {
      kind: "fromDependencyOf",
      package: foo,
      set: set(">1.1,<1.3"),
      dependency: beta,
      dependencySet: set(">=2"),
    },
    "foo==1.2 depends on beta>=2",
  ],
  [
    "the only release, by its number",
    { kind: "fromDependencyOf", package: beta, set: set(">=2"), dependency: foo, dependencySet: set("<1.2") },
    "beta==2.1.0 depends on foo<1.2",
  ],
  [
    "a requirement's marker",
    { kind: "fromDependencyOf", package: foo, set: set("==1.0"), dependency: bar, dependencySet: set(">=2") },
    "foo==1.0 depends on bar>=2 (on sys_platform == 'win32')",
  ],
  [
    "the root, and the requirement as written",
    {
      kind: "fromDependencyOf",
      package: rootPackage("app"),
      set: set("==0"),
      dependency: foo,
      dependencySet: set(">=1.0,!=1.1"),
    },
    "your project depends on foo>=1.0,!=1.1",
  ],
  [
    "a request above what exists",
    { kind: "noVersions", package: foo, set: set(">1.3") },
    "only foo<=1.3 is available",
  ],
  [
    "a request below what exists",
    { kind: "noVersions", package: foo, set: set("<1.0") },
    "only foo>=1.0 is available",
  ],
  [
    "one version exists",
    { kind: "noVersions", package: beta, set: set("<2.1.0 || >2.1.0") },
    "only beta==2.1.0 is available",
  ],
  [
    "a hole between versions",
    { kind: "noVersions", package: bar, set: set(">1.0,<2.0") },
    "there is no version of bar>1.0,<2.0",
  ],
  [
    "nothing at all",
    { kind: "noVersions", package: plainPackage("ghost"), set: VersionSet.full() },
    "there are no versions of ghost",
  ],
  [
    "unavailable: one version by its number",
    { kind: "unavailable", package: bar, set: set("==2.0"), reason: "it has no usable distribution files" },
    "bar==2.0 is unavailable because it has no usable distribution files",
  ],
])("%s", (_name, cause, text) => {
  expect(formatter.external(cause)).toBe(text);
});

test.each<[string, string]>([
  [">=2.0.1,<2.0.4 || >2.0.4,<2.1.2 || >2.1.2", ">=2.0.1,!=2.0.4,!=2.1.2"],
  ["<2.1.0 || >2.1.0", "!=2.1.0"],
  ["==1.0 || ==3.0", "==1.0 || ==3.0"],
  [">=1.0,<2.0", ">=1.0,<2.0"],
])("readableSet(%s) = %s", (input, text) => {
  expect(readableSet(set(input))).toBe(text);
});

const UNIVERSE: Universe = {
  name: "report-hints",
  packages: {
    gone: { versions: { "1.0": {}, "2.0": { yanked: "broken build" } } },
    fresh: { versions: { "1.0": {}, "2.0b1": {} } },
    native: { versions: { "1.0": { sdist: false, wheels: [{ tags: "cp311-cp311-win_amd64" }] } } },
    modern: { versions: { "1.0": { requiresPython: ">=3.11" } } },
  },
};
const cacheDir = mkdtempSync(join(tmpdir(), "lockstep-report-hints-"));
const server = await serveUniverse(UNIVERSE);
const client = newClient(server.url, cacheDir);
afterAll(async () => {
  client.close();
  await server.close();
  rmSync(cacheDir, { recursive: true, force: true });
});

test.each<[string, string[], ResolveOptions]>([
  ["yanked only", ["gone>=2"], specificOptions()],
  ["pre-releases only", ["fresh>1.0"], specificOptions()],
  ["no wheel for the target", ["native"], specificOptions()],
  ["requires-python", ["modern"], universalOptions(">=3.9")],
])("hint: %s", async (_name, requirements, options) => {
  const error = await resolvePython(client, rootOf(requirements, "app"), options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ResolutionError);
  expect(
    `${(error as ResolutionError).report}\nhint: ${(error as ResolutionError).hint ?? ""}`,
  ).toMatchSnapshot();
});
