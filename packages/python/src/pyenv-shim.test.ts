/**
 * pyenv's shims are answered from the cache while nothing pyenv reads changed, and asked again when
 * the global version file, `PYENV_VERSION` or a `.python-version` changes, or when the executable
 * they chose is gone. A stand-in pyenv (a shell script with pyenv's shim layout and `exec`
 * interface) counts how often it runs.
 */
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import { queryInterpreter } from "./interpreter";
import { pyenvShimRoot } from "./pyenv-shim";

const PYTHON = realpathSync("/usr/bin/python3");

function fakePyenv(): { root: string; shim: string; runs: () => number } {
  const root = mkdtempSync(join(tmpdir(), "lockstep-pyenv-"));
  mkdirSync(join(root, "libexec"));
  mkdirSync(join(root, "shims"));
  for (const v of ["1.0", "2.0"]) {
    mkdirSync(join(root, "versions", v, "bin"), { recursive: true });
    // A copy, not a link: the answer is the real path, and each version must have its own.
    writeFileSync(join(root, "versions", v, "bin", "python3"), readFileSync(PYTHON));
    chmodSync(join(root, "versions", v, "bin", "python3"), 0o755);
  }
  writeFileSync(join(root, "version"), "1.0\n");
  const counter = join(root, "runs");
  writeFileSync(counter, "");
  // pyenv's interface: `pyenv exec PROGRAM ARGS…` picks the version like pyenv-version-name does.
  writeFileSync(
    join(root, "libexec", "pyenv"),
    `#!/bin/sh\necho run >> '${counter}'\nshift\nprogram="$1"; shift\n` +
      `v="$PYENV_VERSION"\n[ -z "$v" ] && [ -f .python-version ] && v="$(cat .python-version)"\n` +
      `[ -z "$v" ] && v="$(cat '${root}/version')"\n` +
      `exec "${root}/versions/$v/bin/$program" "$@"\n`,
  );
  chmodSync(join(root, "libexec", "pyenv"), 0o755);
  const shim = join(root, "shims", "python3");
  writeFileSync(
    shim,
    `#!/usr/bin/env bash\nset -e\nprogram="\${0##*/}"\n\nexport PYENV_ROOT="${root}"\n` +
      `exec "${root}/libexec/pyenv" exec "$program" "$@"\n`,
  );
  chmodSync(shim, 0o755);
  return { root, shim, runs: () => readFileSync(counter, "utf8").split("\n").filter(Boolean).length };
}

const saved = { version: process.env.PYENV_VERSION, cwd: process.cwd() };
afterEach(() => {
  if (saved.version === undefined) delete process.env.PYENV_VERSION;
  else process.env.PYENV_VERSION = saved.version;
  process.chdir(saved.cwd);
});

test("a pyenv shim is asked once, then answered from the cache until what pyenv reads changes", () => {
  delete process.env.PYENV_VERSION;
  const { root, shim, runs } = fakePyenv();
  const cacheDir = join(root, "cache");
  const project = join(root, "project");
  mkdirSync(project);
  process.chdir(project);
  const v1 = join(root, "versions", "1.0", "bin", "python3");
  const v2 = join(root, "versions", "2.0", "bin", "python3");

  const steps: Array<[string, () => void, string, number]> = [
    ["first query", () => {}, v1, 1],
    ["same inputs", () => {}, v1, 1],
    ["global version changed", () => writeFileSync(join(root, "version"), "2.0\n"), v2, 2],
    ["same again", () => {}, v2, 2],
    ["PYENV_VERSION set", () => (process.env.PYENV_VERSION = "1.0"), v1, 3],
    ["PYENV_VERSION unset again (cached from before)", () => delete process.env.PYENV_VERSION, v2, 3],
    [
      "a .python-version in the project",
      () => writeFileSync(join(project, ".python-version"), "1.0\n"),
      v1,
      4,
    ],
  ];
  for (const [what, change, expected, spawned] of steps) {
    change();
    expect({ what, path: queryInterpreter(shim, cacheDir).path, runs: runs() }).toEqual({
      what,
      path: expected,
      runs: spawned,
    });
  }
  // The version it chose is uninstalled: asked again, and its failure is reported.
  rmSync(join(root, "versions", "1.0"), { recursive: true });
  expect(() => queryInterpreter(shim, cacheDir)).toThrow(`Failed to query the Python interpreter at ${shim}`);
  expect(runs()).toBe(5);
  // A failure is remembered under the same inputs too.
  expect(() => queryInterpreter(shim, cacheDir)).toThrow(`Failed to query the Python interpreter at ${shim}`);
  expect(runs()).toBe(5);
});

test("without a cache directory the shim is asked every time", () => {
  delete process.env.PYENV_VERSION;
  const { shim, runs } = fakePyenv();
  queryInterpreter(shim);
  queryInterpreter(shim);
  expect(runs()).toBe(2);
});

test.each([
  [
    '#!/usr/bin/env bash\nexport PYENV_ROOT="/opt/pyenv"\nexec "/opt/pyenv/libexec/pyenv" exec "$program" "$@"\n',
    "/opt/pyenv",
  ],
  ['#!/bin/sh\nexec "$(cat /tmp/choice)" "$@"\n', undefined],
  ['#!/bin/sh\nexport PYENV_ROOT="/opt/pyenv"\nexec /usr/bin/python3 "$@"\n', undefined],
])("pyenvShimRoot(%j) is %s", (text, root) => {
  expect(pyenvShimRoot(text)).toBe(root);
});
