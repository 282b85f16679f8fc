/**
 * Helpers shared by this package's tests (test support, not shipped): finding the test Python,
 * writing source trees with in-tree backends, and a pip-based installer that only ever talks to a
 * fixture index on 127.0.0.1.
 *
 * Pitfall: this machine sets `PIP_*` variables and a global pip.conf; pip runs through the
 * fixtures' `run` (every `PIP_*` removed, `PIP_CONFIG_FILE=/dev/null`) with `--isolated`, so it
 * sees the fixture index and nothing else.
 */

import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { pipIsolation, run } from "@lockstep/fixtures";
import type { Venv } from "@lockstep/python";
import type { BuildInstaller } from "../src/build-env";

/** The newest CPython 3.12 under pyenv. */
export function python312(): string {
  const root = "/root/.pyenv/versions";
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^3\.12\.\d+$/.test(v)) : [];
  versions.sort((a, b) => Number(a.split(".")[2]) - Number(b.split(".")[2]));
  const last = versions.at(-1);
  if (last === undefined) throw new Error("the build tests need CPython 3.12 under /root/.pyenv/versions");
  return join(root, last, "bin", "python3");
}

/** Write `files` (relative path → text) under `dir`. */
export function writeTree(dir: string, files: Record<string, string>): string {
  for (const [path, text] of Object.entries(files)) {
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
  }
  return dir;
}

/** An installer running `python -m pip --python <venv> install` against `indexUrl` only. */
export function pipInstaller(python: string, indexUrl: string, calls: string[][] = []): BuildInstaller {
  return async (requirements: string[], venv: Venv) => {
    calls.push(requirements);
    const args = [
      "-m",
      "pip",
      "--python",
      venv.python,
      "install",
      ...pipIsolation(indexUrl),
      ...requirements,
    ];
    const result = await run(python, args);
    if (result.code !== 0)
      throw new Error(`pip exited with ${result.code}\n${result.stdout}${result.stderr}`);
  };
}

/** An installer that records what it is asked and installs nothing. */
export function recordingInstaller(calls: string[][]): BuildInstaller {
  return (requirements) => {
    calls.push(requirements);
    return Promise.resolve();
  };
}

/**
 * A small in-tree backend (`_backend/test_backend.py`) for project `name` 0.1.0. It prints noise to
 * stdout (the frontend must not read results from there), writes `config_settings` into Summary,
 * and behaves per `hooks`: which optional hooks exist, what get_requires returns, whether
 * build_wheel fails.
 */
export function testBackendProject(
  dir: string,
  name: string,
  options: { getRequires?: string[]; prepare?: boolean; fail?: boolean; editable?: boolean } = {},
): string {
  const dist = name.replace(/-/g, "_");
  const lines = [
    "import json, os, sys, zipfile",
    `NAME, DIST = ${JSON.stringify(name)}, ${JSON.stringify(dist)}`,
    "def _metadata(settings):",
    '    return "Metadata-Version: 2.1\\nName: %s\\nVersion: 0.1.0\\nSummary: %s\\n" % (NAME, json.dumps(settings or {}, sort_keys=True))',
    "def _wheel(directory, settings, files):",
    '    print(\'{"ok": false, "error": "stdout noise"}\')',
    '    filename = "%s-0.1.0-py3-none-any.whl" % DIST',
    '    info = "%s-0.1.0.dist-info/" % DIST',
    '    with zipfile.ZipFile(os.path.join(directory, filename), "w") as z:',
    "        for arc, text in files.items():",
    "            z.writestr(arc, text)",
    '        z.writestr(info + "METADATA", _metadata(settings))',
    '        z.writestr(info + "WHEEL", "Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n")',
    '        z.writestr(info + "RECORD", "")',
    "    return filename",
    "def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):",
  ];
  if (options.fail) {
    lines.push(
      "    for i in range(1, 31):",
      '        sys.stderr.write("noise %d\\n" % i)',
      '    raise RuntimeError("boom")',
    );
  } else {
    lines.push('    return _wheel(wheel_directory, config_settings, {DIST + "/__init__.py": ""})');
  }
  if (options.getRequires) {
    lines.push(
      "def get_requires_for_build_wheel(config_settings=None):",
      `    return ${JSON.stringify(options.getRequires)}`,
    );
  }
  if (options.prepare !== false) {
    lines.push(
      "def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):",
      '    info = "%s-0.1.0.dist-info" % DIST',
      "    os.makedirs(os.path.join(metadata_directory, info))",
      '    with open(os.path.join(metadata_directory, info, "METADATA"), "w") as f:',
      "        f.write(_metadata(config_settings))",
      "    return info",
    );
  }
  if (options.editable) {
    lines.push(
      "def build_editable(wheel_directory, config_settings=None, metadata_directory=None):",
      '    return _wheel(wheel_directory, config_settings, {"_%s.pth" % DIST: os.getcwd() + "\\n"})',
    );
  }
  return writeTree(dir, {
    "pyproject.toml": `[build-system]\nrequires = []\nbuild-backend = "test_backend"\nbackend-path = ["_backend"]\n\n[project]\nname = "${name}"\nversion = "0.1.0"\n`,
    "_backend/test_backend.py": `${lines.join("\n")}\n`,
    [`${dist}/__init__.py`]: "",
  });
}
