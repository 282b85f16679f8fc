/**
 * Installing wheels, proven against pip: the same generated wheels (console and gui entry points,
 * `.data/scripts|headers|data|purelib`, a purelib and a platlib wheel) are installed by lockstep into
 * one venv and by pip into another, and the two trees must be the same file for file (contents with
 * the venv path normalized, modes, RECORD rows as sets) apart from INSTALLER. Then pip itself must
 * accept the lockstep venv (`pip check`, `pip list`) and uninstall from it without leaving a file.
 */
import { execFileSync } from "node:child_process";
import {
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { zipSync } from "fflate";
import { buildUniverse, run } from "@lockstep/fixtures";
import type { BuiltIndex, Universe } from "@lockstep/fixtures";
import { installUnpacked } from "./install";
import type { WheelScheme } from "./install";
import { unpackWheel, WheelInvalidError } from "./install-unpack";
import { parseRecord, recordHash } from "./record";
import { uninstallDistribution } from "./uninstall";

const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));

const UNIVERSE: Universe = {
  name: "wheel-install-proof",
  packages: {
    "Sample-Lib": {
      versions: {
        "1.1.0": {
          entryPoints: {
            console_scripts: {
              "sample-lib": "sample_lib.cli:main",
              "sample-nested": "sample_lib.cli:Runner.run",
            },
            gui_scripts: { "sample-lib-gui": "sample_lib.gui:main" },
            "sample_lib.plugins": { default: "sample_lib.plugins:Default" },
          },
          files: {
            "sample_lib/__init__.py": '__version__ = "1.1.0"\n',
            "sample_lib/cli.py":
              "def main():\n    print('sample-lib 1.1.0')\n\nclass Runner:\n    @staticmethod\n    def run():\n        print('nested')\n",
            "sample_lib/gui.py": "def main():\n    pass\n",
            "sample_lib/plugins.py": "class Default:\n    pass\n",
            "sample_lib/sub/deep/data.txt": "deep\n",
          },
          dataFiles: {
            scripts: {
              "sample-tool.py": "import sys\nprint(sys.argv)\n",
              "sample-shell": "#!/bin/sh\necho sample\n",
            },
            headers: { "sample.h": "#define SAMPLE 1\n" },
            data: { "share/sample/readme.txt": "shared data\n" },
            purelib: { "sample_extra.py": "EXTRA = 1\n" },
          },
        },
      },
    },
    "plat-ext": {
      versions: {
        "2.0": {
          sdist: false,
          wheels: [{ tags: "cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64" }],
          files: { "plat_ext/__init__.py": "VALUE = 2\n", "plat_ext/_speedups.txt": "native\n" },
          dataFiles: { purelib: { "plat_ext_pure.py": "PURE = True\n" } },
        },
      },
    },
  },
};

interface Venv {
  root: string;
  bin: string;
  python: string;
  sitePackages: string;
  /** e.g. "3.11" */
  version: string;
}

/** `python3 -m venv --without-pip` (this package sits below `@lockstep/python`). */
function makeVenv(root: string): Venv {
  execFileSync("python3", ["-m", "venv", "--without-pip", "--prompt", "venv", root]);
  const python = join(root, "bin", "python");
  const [site, version] = execFileSync(
    python,
    [
      "-c",
      "import sysconfig, sys; print(sysconfig.get_paths()['purelib']); print('%d.%d' % sys.version_info[:2])",
    ],
    { encoding: "utf8" },
  )
    .trim()
    .split("\n") as [string, string];
  return { root, bin: join(root, "bin"), python, sitePackages: site, version };
}

/** The wheel scheme of a venv (headers per distribution, as pip lays them out). */
function venvScheme(venv: Venv, name: string): WheelScheme {
  return {
    purelib: venv.sitePackages,
    platlib: venv.sitePackages,
    scripts: venv.bin,
    headers: join(venv.root, "include", "site", `python${venv.version}`, name),
    data: venv.root,
  };
}

/** Every file and symlink under `root` (relative paths) except `__pycache__` contents. */
function walk(root: string, dir = root, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = lstatSync(path);
    if (st.isDirectory()) {
      if (name !== "__pycache__") walk(root, path, out);
    } else out.push(relative(root, path));
  }
  return out.sort();
}

function wheelsOf(built: BuiltIndex): string[] {
  return Object.values(built.manifest.projects)
    .flat()
    .filter((f) => f.kind === "wheel")
    .map((f) => join(built.root, f.path));
}

const machineOk = process.platform === "linux" && process.arch === "x64";

describe.runIf(machineOk)("lockstep and pip install the same trees", () => {
  let built: BuiltIndex;
  let ours: Venv;
  let theirs: Venv;

  beforeAll(async () => {
    built = await buildUniverse(UNIVERSE);
    const base = tmp("ls-wheel-proof-");
    ours = makeVenv(join(base, "ours"));
    theirs = makeVenv(join(base, "theirs"));
    const cache = tmp("ls-wheel-cache-");
    for (const wheel of wheelsOf(built)) {
      const dir = await unpackWheel(wheel, cache);
      const name = wheel.includes("plat_ext") ? "plat-ext" : "sample-lib";
      installUnpacked(dir, venvScheme(ours, name), { python: ours.python, requested: true });
    }
    const res = await run("python3", [
      "-m",
      "pip",
      "--python",
      theirs.python,
      "install",
      "--isolated",
      "--no-cache-dir",
      "--disable-pip-version-check",
      "--no-deps",
      "--no-index",
      "--no-compile",
      "--find-links",
      join(built.root, "files"),
      "sample-lib==1.1.0",
      "plat-ext==2.0",
    ]);
    expect(res.code, res.stderr).toBe(0);
  });

  const normalize = (text: string, root: string) => text.split(root).join("<VENV>");

  test("the same files, contents and modes", () => {
    const a = walk(ours.root);
    const b = walk(theirs.root);
    expect(a).toEqual(b);
    for (const rel of a) {
      if (rel.endsWith("/INSTALLER") || rel.endsWith("/RECORD") || rel.startsWith("bin/python")) continue;
      const pa = join(ours.root, rel);
      const pb = join(theirs.root, rel);
      if (lstatSync(pa).isSymbolicLink()) {
        expect(readlinkSync(pa), rel).toBe(readlinkSync(pb));
        continue;
      }
      expect(normalize(readFileSync(pa, "latin1"), ours.root), rel).toBe(
        normalize(readFileSync(pb, "latin1"), theirs.root),
      );
      expect((statSync(pa).mode & 0o777).toString(8), rel).toBe((statSync(pb).mode & 0o777).toString(8));
    }
    expect(readFileSync(join(ours.sitePackages, "sample_lib-1.1.0.dist-info/INSTALLER"), "utf8")).toBe(
      "lockstep\n",
    );
  });

  test("RECORD rows are the same set (INSTALLER's hash aside)", () => {
    for (const info of ["sample_lib-1.1.0.dist-info", "plat_ext-2.0.dist-info"]) {
      const rows = (venv: Venv) =>
        parseRecord(readFileSync(join(venv.sitePackages, info, "RECORD"), "utf8"))
          .filter((r) => !r.path.endsWith("/INSTALLER"))
          .map((r) => {
            // Rewritten scripts embed the venv path, so their hashes differ; compare them normalized.
            const path = join(venv.sitePackages, r.path);
            const isScript = r.path.startsWith("../../../bin/");
            const text = isScript ? normalize(readFileSync(path, "latin1"), venv.root) : "";
            return isScript
              ? `${r.path},${recordHash(text)},${text.length}`
              : `${r.path},${r.hash},${r.size ?? ""}`;
          })
          .sort();
      const mine = rows(ours);
      expect(mine).toEqual(rows(theirs));
      expect(mine).toContain(`${info}/RECORD,,`);
      expect(mine.some((r) => r.startsWith("../../../bin/sample-lib,"))).toBe(info.startsWith("sample"));
    }
  });

  test("the launchers and rewritten scripts run", () => {
    expect(execFileSync(join(ours.bin, "sample-lib"), { encoding: "utf8" })).toBe("sample-lib 1.1.0\n");
    expect(execFileSync(join(ours.bin, "sample-nested"), { encoding: "utf8" })).toBe("nested\n");
    expect(readFileSync(join(ours.bin, "sample-tool.py"), "utf8")).toBe(
      `#!${ours.python}\nimport sys\nprint(sys.argv)\n`,
    );
    expect(execFileSync(join(ours.bin, "sample-shell"), { encoding: "utf8" })).toBe("sample\n");
  });

  test("pip check, list and uninstall work on the lockstep venv", async () => {
    const pipArgs = (cmd: string, ...rest: string[]) =>
      run("python3", [
        "-m",
        "pip",
        "--python",
        ours.python,
        cmd,
        "--isolated",
        "--no-cache-dir",
        "--disable-pip-version-check",
        ...rest,
      ]);
    const check = await pipArgs("check");
    expect(check.stdout.trim()).toBe("No broken requirements found.");
    const list = await pipArgs("list", "--format", "json");
    const listed = (JSON.parse(list.stdout) as { name: string; version: string }[])
      .map((d) => `${d.name}==${d.version}`)
      .sort();
    expect(listed).toEqual(["Sample-Lib==1.1.0", "plat-ext==2.0"]);
    const before = walk(ours.root);
    const un = await pipArgs("uninstall", "-y", "sample-lib");
    expect(un.code, un.stderr).toBe(0);
    const left = walk(ours.root).filter((f) => before.includes(f));
    const ofSample = left.filter((f) => /sample|Sample/.test(f));
    expect(ofSample).toEqual([]);
  });
});

describe.runIf(machineOk)("uninstalling by RECORD", () => {
  test("removes exactly the dist's files, its .dist-info and emptied directories", async () => {
    const built = await buildUniverse(UNIVERSE);
    const venv = makeVenv(join(tmp("ls-uninstall-"), "venv"));
    const fresh = walk(venv.root);
    const cache = tmp("ls-wheel-cache-");
    const wheels = wheelsOf(built);
    const plat = wheels.find((w) => w.includes("plat_ext"))!;
    const sample = wheels.find((w) => !w.includes("plat_ext"))!;
    installUnpacked(await unpackWheel(plat, cache), venvScheme(venv, "plat-ext"), { python: venv.python });
    const withPlat = walk(venv.root);
    const installed = installUnpacked(await unpackWheel(sample, cache), venvScheme(venv, "sample-lib"), {
      python: venv.python,
    });
    // a compiled file next to a listed .py, as `compileall` leaves it
    execFileSync(venv.python, ["-m", "compileall", "-q", join(venv.sitePackages, "sample_lib")]);
    const result = uninstallDistribution(installed.distInfo, { prefix: venv.root, keepDirs: [venv.bin] });
    expect(result.refused).toEqual([]);
    expect(walk(venv.root)).toEqual(withPlat);
    expect(readdirSync(venv.sitePackages).sort()).toEqual([
      "plat_ext",
      "plat_ext-2.0.dist-info",
      "plat_ext_pure.py",
    ]);
    uninstallDistribution(join(venv.sitePackages, "plat_ext-2.0.dist-info"), {
      prefix: venv.root,
      keepDirs: [venv.bin],
    });
    expect(walk(venv.root)).toEqual(fresh);
  });

  test("a RECORD path outside the venv is refused, not removed", () => {
    const root = tmp("ls-uninstall-escape-");
    const site = join(root, "venv", "lib", "site-packages");
    const info = join(site, "evil-1.0.dist-info");
    const outside = join(root, "precious.txt");
    writeFileSync(outside, "keep me\n");
    execFileSync("mkdir", ["-p", info, join(site, "evil")]);
    writeFileSync(join(site, "evil", "__init__.py"), "");
    writeFileSync(
      join(info, "RECORD"),
      "evil/__init__.py,,\n../../../precious.txt,,\nevil-1.0.dist-info/RECORD,,\n",
    );
    const result = uninstallDistribution(info, { prefix: join(root, "venv") });
    expect(result.refused).toEqual(["../../../precious.txt"]);
    expect(readFileSync(outside, "utf8")).toBe("keep me\n");
    expect(readdirSync(site)).toEqual([]);
  });
});

/** A wheel written by hand (fflate), RECORD given explicitly. */
function handWheel(dir: string, filename: string, files: Record<string, string>): string {
  const path = join(dir, filename);
  const enc = new TextEncoder();
  writeFileSync(path, zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, enc.encode(v)]))));
  return path;
}

describe("malformed wheels install nothing", () => {
  const WHEEL = "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n";
  const good = (init: string) => recordHash(init);

  test.each([
    [
      "a wrong hash",
      { "bad/__init__.py": "x = 1\n", "bad-1.0.dist-info/RECORD": `bad/__init__.py,${good("x = 2\n")},6\n` },
      [`bad/__init__.py: RECORD says ${good("x = 2\n")}, the file has ${good("x = 1\n")}`],
    ],
    [
      "a wrong size and an unlisted file",
      {
        "bad/__init__.py": "x = 1\n",
        "bad/extra.py": "",
        "bad-1.0.dist-info/RECORD": `bad/__init__.py,${good("x = 1\n")},7\n`,
      },
      ["bad/__init__.py: RECORD says 7 bytes, the file has 6", "bad/extra.py: not listed in RECORD"],
    ],
    [
      "paths escaping the target",
      {
        "../evil.py": "",
        "bad/__init__.py": "",
        "bad-1.0.data/bogus/x": "",
        "bad-1.0.dist-info/RECORD": `bad/__init__.py,sha256=,0\n../evil.py,${good("")},0\n/etc/passwd,${good("")},0\n`,
      },
      [
        "../evil.py: the RECORD row's path escapes the target directory (..)",
        "/etc/passwd: the RECORD row's path is absolute",
        "../evil.py: the path escapes the target directory (..)",
        `bad/__init__.py: RECORD says sha256=, the file has ${good("")}`,
        'bad-1.0.data/bogus/x: unknown .data scheme "bogus" (expected one of purelib, platlib, headers, scripts, data)',
      ],
    ],
    [
      "a weak hash and a missing file",
      {
        "bad/__init__.py": "",
        "bad-1.0.dist-info/RECORD": "bad/__init__.py,md5=1B2M2Y8AsgTpgAmY7PhCfg,0\nbad/gone.py,sha256=x,1\n",
      },
      [
        'bad/__init__.py: RECORD\'s hash "md5=1B2M2Y8AsgTpgAmY7PhCfg" uses an unsupported algorithm',
        "bad/gone.py: listed in RECORD but not in the archive",
      ],
    ],
  ])("%s", async (_what, files, problems) => {
    const dir = tmp("ls-bad-wheel-");
    const path = handWheel(dir, "bad-1.0-py3-none-any.whl", {
      ...files,
      "bad-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: bad\nVersion: 1.0\n",
      "bad-1.0.dist-info/WHEEL": WHEEL,
    });
    const cache = tmp("ls-bad-cache-");
    let error: unknown;
    try {
      await unpackWheel(path, cache);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WheelInvalidError);
    const err = error as WheelInvalidError;
    // METADATA and WHEEL are unlisted in these hand-made RECORDs too; the cases' own problems must be there.
    for (const p of problems) expect(err.problems).toContain(p);
    expect(err.message.split("\n")[0]).toMatch(
      /^The wheel bad-1\.0-py3-none-any\.whl is invalid \(\d+ problems\):$/,
    );
    expect(walk(cache)).toEqual([]);
  });
});
