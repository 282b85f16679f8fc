import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { queryInterpreter } from "@lockstep/python";
import type { InterpreterInfo } from "@lockstep/python";
import { parseCoreMetadata } from "@lockstep/wheel";
import type { CoreMetadata } from "@lockstep/wheel";
import {
  BACKEND_SOURCE,
  buildUniverse,
  DEFAULT_UNIVERSES_DIR,
  loadUniverseFile,
  serveUniverse,
} from "@lockstep/fixtures";
import type { BuiltIndex, IndexServer } from "@lockstep/fixtures";
import { extractSdist, readArchive } from "./archive-extract";
import { BuildError } from "./build-error";
import { buildSdist } from "./build-sdist";
import { buildWheel, prepareMetadata } from "./build-wheel";
import { pipInstaller, python312, recordingInstaller, testBackendProject, writeTree } from "../testing";

let tmp: string;
let python: InterpreterInfo;
let sample: BuiltIndex;
const SAMPLE = join(DEFAULT_UNIVERSES_DIR, "sample.toml");

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "lockstep-build-test-"));
  python = queryInterpreter(python312());
  sample = await buildUniverse(loadUniverseFile(SAMPLE));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const fresh = (name: string): string => mkdtempSync(join(tmp, `${name}-`));

function sdistPath(filename: string): string {
  return join(sample.root, "files", filename);
}

function pkgInfo(archive: string): CoreMetadata {
  const entry = readArchive(archive).find((e) => /^[^/]+\/PKG-INFO$/.test(e.path));
  if (!entry) throw new Error(`no PKG-INFO in ${archive}`);
  return parseCoreMetadata(new TextDecoder().decode(entry.data), "PKG-INFO");
}

const summary = (m: CoreMetadata) => ({
  name: m.name,
  version: m.version.toString(),
  requiresDist: m.requiresDist.map((r) => r.toString()),
  requiresPython: m.requiresPython?.toString(),
});

describe("building the sample universe's sdists with Python 3.12", () => {
  const sdists = (): string[] =>
    Object.values(sample.manifest.projects)
      .flat()
      .filter((f) => f.kind === "sdist")
      .map((f) => f.filename);

  test("the sample universe has sdists to build", () => {
    expect(sdists()).toEqual([
      "colorful-2.1.0b1.tar.gz",
      "native_ext-2.0.tar.gz",
      "sample_lib-1.0.0.tar.gz",
      "sample_lib-1.1.0.tar.gz",
      "sample_lib-1.2.0.tar.gz",
      "tiny_dep-1.0.tar.gz",
      "tiny_dep-1.1.post1.tar.gz",
    ]);
  });

  test("each builds into a wheel whose METADATA agrees with PKG-INFO", async () => {
    const outDir = fresh("out");
    const cacheDir = fresh("cache");
    const calls: string[][] = [];
    for (const filename of sdists()) {
      const built = await buildWheel(sdistPath(filename), {
        interpreter: python,
        outDir,
        cacheDir,
        installer: recordingInstaller(calls),
      });
      expect(built.cached).toBe(false);
      expect(built.wheelPath).toBe(join(outDir, basename(built.wheelPath)));
      expect(built.filename.toString()).toMatch(/-py3-none-any\.whl$/);
      const expected = summary(pkgInfo(sdistPath(filename)));
      expect(summary(built.metadata)).toEqual(expected);
      // The METADATA inside the delivered file, not only what buildWheel says it read.
      const zip = unzipSync(new Uint8Array(readFileSync(built.wheelPath)));
      const metadataEntry = Object.keys(zip).find((n) => n.endsWith(".dist-info/METADATA")) ?? "";
      expect(summary(parseCoreMetadata(new TextDecoder().decode(zip[metadataEntry]), "METADATA"))).toEqual(
        expected,
      );
    }
    // `requires = []` everywhere: the installer is never called.
    expect(calls).toEqual([]);
  });

  test("sample-lib 1.1.0 keeps its extras, entry points and data files", async () => {
    const built = await buildWheel(sdistPath("sample_lib-1.1.0.tar.gz"), {
      interpreter: python,
      outDir: fresh("out"),
    });
    expect(built.metadata.requiresDist.map(String)).toEqual([
      "tiny-dep>=1.0",
      "colorful>=2; extra == 'color'",
      "native-ext>=2.0; sys_platform == 'linux' and extra == 'fast'",
    ]);
    const names = Object.keys(unzipSync(new Uint8Array(readFileSync(built.wheelPath)))).sort();
    expect(names).toContain("sample_lib/cli.py");
    expect(names).toContain("sample_lib-1.1.0.dist-info/entry_points.txt");
    expect(names).toContain("sample_lib-1.1.0.data/scripts/sample-shell");
  });
});

describe("the built-wheel cache", () => {
  test("a second build of the same sdist is a hit; other settings or interpreters are not", async () => {
    const cacheDir = fresh("cache");
    const source = sdistPath("tiny_dep-1.1.post1.tar.gz");
    const first = await buildWheel(source, { interpreter: python, cacheDir });
    expect(first.cached).toBe(false);
    expect(first.wheelPath.startsWith(join(cacheDir, "built-wheels-v1"))).toBe(true);
    const second = await buildWheel(source, { interpreter: python, cacheDir, outDir: fresh("out") });
    expect(second.cached).toBe(true);
    expect(readFileSync(second.wheelPath)).toEqual(readFileSync(first.wheelPath));
    const settings = await buildWheel(source, { interpreter: python, cacheDir, configSettings: { x: "1" } });
    expect(settings.cached).toBe(false);
  });

  test("a source directory is a hit until a file changes; build outputs and .git do not count", async () => {
    const cacheDir = fresh("cache");
    const dir = testBackendProject(fresh("proj"), "treehash");
    const first = await buildWheel(dir, { interpreter: python, cacheDir });
    expect(first.cached).toBe(false);
    writeTree(dir, { "build/lib/x.py": "", ".git/HEAD": "ref", "treehash.egg-info/PKG-INFO": "" });
    expect((await buildWheel(dir, { interpreter: python, cacheDir })).cached).toBe(true);
    writeTree(dir, { "treehash/extra.py": "x = 1\n" });
    expect((await buildWheel(dir, { interpreter: python, cacheDir })).cached).toBe(false);
  });
});

describe("editable builds (PEP 660)", () => {
  test("an editable wheel from an extracted sdist holds a .pth pointing at the source", async () => {
    const src = extractSdist(sdistPath("sample_lib-1.1.0.tar.gz"), fresh("src"));
    const built = await buildWheel(src, { interpreter: python, outDir: fresh("out"), editable: true });
    const zip = unzipSync(new Uint8Array(readFileSync(built.wheelPath)));
    expect(new TextDecoder().decode(zip["sample_lib.pth"])).toBe(`${src}\n`);
    // No copies of the package: the source stays where it is.
    expect(Object.keys(zip).filter((n) => n.startsWith("sample_lib/"))).toEqual([]);
    expect(built.metadata.name).toBe("Sample-Lib");
  });

  test("an archive cannot be built editable", async () => {
    const error = await buildWheel(sdistPath("tiny_dep-1.0.tar.gz"), {
      interpreter: python,
      outDir: fresh("out"),
      editable: true,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuildError);
    expect((error as BuildError).code).toBe("build-editable-archive");
    expect((error as BuildError).message).toBe(
      "Cannot build an editable wheel from tiny_dep-1.0.tar.gz: editable builds need a source directory",
    );
  });

  test("a backend without build_editable is reported", async () => {
    const dir = testBackendProject(fresh("proj"), "no-editable");
    const error = await buildWheel(dir, { interpreter: python, outDir: fresh("out"), editable: true }).catch(
      (e: unknown) => e,
    );
    expect((error as BuildError).code).toBe("build-editable-unsupported");
    expect((error as BuildError).message).toBe(
      `Failed to build no-editable 0.1.0 (${dir}): the build backend "test_backend" does not support editable installs (it has no build_editable hook, PEP 660)`,
    );
  });
});

describe("buildSdist", () => {
  test("an sdist built from an extracted sdist carries the same PKG-INFO and rebuilds", async () => {
    const original = sdistPath("sample_lib-1.1.0.tar.gz");
    const src = extractSdist(original, fresh("src"));
    const { sdistPath: built } = await buildSdist(src, { interpreter: python, outDir: fresh("out") });
    expect(basename(built)).toBe("sample_lib-1.1.0.tar.gz");
    expect(summary(pkgInfo(built))).toEqual(summary(pkgInfo(original)));
    const wheel = await buildWheel(built, { interpreter: python, outDir: fresh("out") });
    expect(summary(wheel.metadata)).toEqual(summary(pkgInfo(original)));
  });

  test("an archive is refused", async () => {
    const error = await buildSdist(sdistPath("tiny_dep-1.0.tar.gz"), {
      interpreter: python,
      outDir: fresh("out"),
    }).catch((e: unknown) => e);
    expect((error as BuildError).message).toBe(
      "Cannot build an sdist from tiny_dep-1.0.tar.gz: sdists are built from a source directory",
    );
  });
});

describe("prepareMetadata", () => {
  test("uses prepare_metadata_for_build_wheel and caches its answer", async () => {
    const cacheDir = fresh("cache");
    const source = sdistPath("sample_lib-1.1.0.tar.gz");
    const first = await prepareMetadata(source, { interpreter: python, cacheDir });
    expect(first.cached).toBe(false);
    expect(summary(first.metadata)).toEqual(summary(pkgInfo(source)));
    expect(first.metadataText).not.toMatch(/^Dynamic:/m);
    const second = await prepareMetadata(source, { interpreter: python, cacheDir });
    expect(second).toEqual({ ...first, cached: true });
  });

  test("without the hook, falls back to building the wheel, which the next build reuses", async () => {
    const cacheDir = fresh("cache");
    const dir = testBackendProject(fresh("proj"), "no-prepare", { prepare: false });
    const prepared = await prepareMetadata(dir, {
      interpreter: python,
      cacheDir,
      configSettings: { mode: "x" },
    });
    expect(prepared.cached).toBe(false);
    expect(prepared.metadata.summary).toBe('{"mode": "x"}');
    const built = await buildWheel(dir, { interpreter: python, cacheDir, configSettings: { mode: "x" } });
    expect(built.cached).toBe(true);
    expect(built.metadataText).toBe(prepared.metadataText);
  });

  test("answers from a wheel already in the cache", async () => {
    const cacheDir = fresh("cache");
    const source = sdistPath("colorful-2.1.0b1.tar.gz");
    await buildWheel(source, { interpreter: python, cacheDir });
    const prepared = await prepareMetadata(source, { interpreter: python, cacheDir });
    expect(prepared.cached).toBe(true);
    expect(prepared.metadata.version.toString()).toBe("2.1.0b1");
  });
});

describe("hooks, requirements and settings", () => {
  test("config settings reach the backend; backend stdout does not disturb the result", async () => {
    const dir = testBackendProject(fresh("proj"), "settings");
    const built = await buildWheel(dir, {
      interpreter: python,
      outDir: fresh("out"),
      configSettings: { b: ["1", "2"], a: "x" },
    });
    expect(built.metadata.summary).toBe('{"a": "x", "b": ["1", "2"]}');
  });

  test("get_requires_for_build_wheel adds requirements in a second round", async () => {
    const dir = testBackendProject(fresh("proj"), "dynamic", { getRequires: ["dynamic-dep>=1"] });
    const calls: string[][] = [];
    await buildWheel(dir, {
      interpreter: python,
      outDir: fresh("out"),
      installer: recordingInstaller(calls),
    });
    expect(calls).toEqual([["dynamic-dep>=1"]]);
  });

  test("a failing build_wheel names the build, the hook and the tail of stderr", async () => {
    const dir = testBackendProject(fresh("proj"), "failing", { fail: true });
    const error = (await buildWheel(dir, { interpreter: python, outDir: fresh("out") }).catch(
      (e: unknown) => e,
    )) as BuildError;
    expect(error).toBeInstanceOf(BuildError);
    expect(error.code).toBe("build-failed");
    expect(error.hook).toBe("build_wheel");
    const lines = error.message.split("\n");
    expect(lines.slice(0, 2)).toEqual([
      `Failed to build failing 0.1.0 (${dir}): the build_wheel hook of backend "test_backend" raised RuntimeError: boom`,
      "--- last 20 lines of the backend's stderr ---",
    ]);
    expect(lines).toHaveLength(22);
    expect(lines.at(-1)).toBe("RuntimeError: boom");
    expect(lines).toContain("noise 30");
    expect(lines).not.toContain("noise 1");
    expect(lines).toContain("Traceback (most recent call last):");
    expect(error.stderr).toMatch(/^noise 1\n/);
    expect(error.stdout).toBe("");
  });

  test.each([
    ["no_such_backend", "No module named 'no_such_backend'"],
    ["no_such_pkg.build:api", "No module named 'no_such_pkg'"],
    ["json:no_such_object", "json has no attribute 'no_such_object'"],
  ])("a missing backend %s is named", async (backend, reason) => {
    const dir = writeTree(fresh("proj"), {
      "pyproject.toml": `[build-system]\nrequires = []\nbuild-backend = "${backend}"\n[project]\nname = "missing"\nversion = "1.0"\n`,
    });
    const error = (await buildWheel(dir, { interpreter: python, outDir: fresh("out") }).catch(
      (e: unknown) => e,
    )) as BuildError;
    expect(error.code).toBe("build-backend-missing");
    expect(error.render()).toBe(
      `Failed to build missing 1.0 (${dir}): the build backend "${backend}" is not available (${reason})\n` +
        "  hint: the backend must be installed by [build-system] requires in pyproject.toml",
    );
  });

  test("a backend that must come from backend-path but is found elsewhere is refused", async () => {
    const dir = writeTree(fresh("proj"), {
      "pyproject.toml":
        '[build-system]\nrequires = []\nbuild-backend = "json"\nbackend-path = ["_backend"]\n',
      "_backend/other.py": "",
    });
    const error = (await buildWheel(dir, { interpreter: python, outDir: fresh("out") }).catch(
      (e: unknown) => e,
    )) as BuildError;
    expect(error.code).toBe("build-backend-missing");
    const escaped = dir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    expect(error.message).toMatch(
      new RegExp(
        `^Failed to build ${escaped}: json was loaded from .*json/__init__\\.py, not from backend-path \\['${escaped}/_backend'\\]$`,
      ),
    );
  });

  test("build requirements without an installer are refused before any hook runs", async () => {
    const dir = writeTree(fresh("proj"), {
      "pyproject.toml": '[build-system]\nrequires = ["some-backend>=1"]\nbuild-backend = "some_backend"\n',
    });
    const error = (await buildWheel(dir, { interpreter: python, outDir: fresh("out") }).catch(
      (e: unknown) => e,
    )) as BuildError;
    expect(error.code).toBe("build-requirements-failed");
    expect(error.message).toBe(
      `Cannot install the build requirements for ${dir} (some-backend>=1): no installer was given`,
    );
  });
});

describe("a build requirement from a fixture index", () => {
  let server: IndexServer;
  beforeAll(async () => {
    server = await serveUniverse({
      name: "lockstep-build-test-backend",
      packages: {
        "lockstep-test-backend": {
          versions: { "1.0": { sdist: false, files: { "lockstep_test_backend.py": BACKEND_SOURCE } } },
        },
      },
    });
  });
  afterAll(() => server.close());

  test("the backend is installed into the isolated environment by the injected installer", async () => {
    const dir = writeTree(fresh("proj"), {
      "pyproject.toml":
        '[build-system]\nrequires = ["lockstep-test-backend>=1.0"]\nbuild-backend = "lockstep_test_backend"\n\n' +
        '[project]\nname = "needs-backend"\nversion = "0.3.0"\n',
      "PKG-INFO":
        "Metadata-Version: 2.2\nName: needs-backend\nVersion: 0.3.0\nRequires-Dist: tiny-dep>=1.0\n",
      "needs_backend/__init__.py": "VALUE = 3\n",
    });
    const calls: string[][] = [];
    const built = await buildWheel(dir, {
      interpreter: python,
      outDir: fresh("out"),
      installer: pipInstaller(python312(), server.url, calls),
    });
    expect(calls).toEqual([["lockstep-test-backend>=1.0"]]);
    expect(basename(built.wheelPath)).toBe("needs_backend-0.3.0-py3-none-any.whl");
    expect(summary(built.metadata)).toEqual({
      name: "needs-backend",
      version: "0.3.0",
      requiresDist: ["tiny-dep>=1.0"],
      requiresPython: undefined,
    });
    const zip = unzipSync(new Uint8Array(readFileSync(built.wheelPath)));
    expect(new TextDecoder().decode(zip["needs_backend/__init__.py"])).toBe("VALUE = 3\n");
    // The backend came from the index, not from the source tree.
    expect(Object.keys(zip).some((n) => n.includes("lockstep_test_backend"))).toBe(false);
  });
});
