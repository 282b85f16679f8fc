import { spawnSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { SpecifierSet } from "@lockstep/pep440";
import { candidatePaths, findInterpreter, findPythonVersionFile, parsePythonRequest } from "./discovery";
import { queryInterpreter } from "./interpreter";
import { createVenv, openVenv } from "./venv";

const PYENV = "/root/.pyenv/versions";
const py = (v: string) => join(PYENV, v, "bin", "python3");
const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));
/** An environment that sees only pyenv's interpreters, in a known order. */
const pyenvOnly = { PATH: "/nonexistent", PYENV_ROOT: "/root/.pyenv", HOME: "/nonexistent" };

describe("python requests", () => {
  test.each([
    ["3.12", "version", "==3.12.*"],
    ["3.12.1", "version", "==3.12.1"],
    ["cpython3.11", "version", "==3.11.*"],
    ["cp311", "version", "==3.11.*"],
    ["pypy@3.10", "version", "==3.10.*"],
    [">=3.10,<3.13", "version", ">=3.10,<3.13"],
    ["/usr/bin/python3", "path", ""],
  ])("%s", (text, kind, spec) => {
    const r = parsePythonRequest(text);
    expect(r.kind).toBe(kind);
    if (r.kind === "version") expect(r.specifiers.toString().replace(/\s/g, "")).toBe(spec);
  });

  test("invalid request", () => {
    expect(() => parsePythonRequest("three")).toThrow('Invalid Python request "three"');
  });
});

describe("interpreter query", () => {
  test.each(["3.8.18", "3.11.7", "3.13.0"])("CPython %s describes itself", (v) => {
    const info = queryInterpreter(py(v));
    expect(info.markers.python_full_version).toBe(v);
    expect(info.markers.implementation_name).toBe("cpython");
    expect(info.markers.sys_platform).toBe("linux");
    expect(info.version.join(".")).toBe(v);
    expect(info.scheme.purelib).toBe(`{base}/lib/python${v.split(".").slice(0, 2).join(".")}/site-packages`);
    expect(info.libc?.kind).toBe("glibc");
  });

  test("Python 2.7 answers too (so discovery can reject it politely)", () => {
    const info = queryInterpreter(join(PYENV, "2.7.18", "bin", "python2"));
    expect(info.markers.python_version).toBe("2.7");
  });

  test("answers are cached by path and modification time", () => {
    const dir = tmp("interp-");
    // A copy of the binary (a script wrapper would be a shim: resolved, never cached by its path).
    const binary = join(dir, "python");
    copyFileSync(py("3.11.7"), binary);
    chmodSync(binary, 0o755);
    const cache = join(dir, "cache");
    const first = queryInterpreter(binary, cache);
    expect(first.markers.python_version).toBe("3.11");
    const [entry] = readdirSync(join(cache, "interpreter-v1"));
    const file = join(cache, "interpreter-v1", entry as string);
    const stored = JSON.parse(readFileSync(file, "utf8")) as {
      info: { markers: { python_version: string } };
    };
    stored.info.markers.python_version = "cached!";
    writeFileSync(file, JSON.stringify(stored));
    expect(queryInterpreter(binary, cache).markers.python_version).toBe("cached!");
    // Changing the binary (here its modification time) invalidates the entry.
    utimesSync(binary, new Date(2001, 1, 1), new Date(2001, 1, 1));
    expect(queryInterpreter(binary, cache).markers.python_version).toBe("3.11");
  });
});

describe("discovery", () => {
  test("pyenv versions are candidates, newest first", () => {
    const paths = candidatePaths({ env: pyenvOnly });
    expect(paths.filter((p) => p.endsWith("python3")).slice(0, 3)).toEqual([
      py("3.13.0"),
      py("3.12.1"),
      py("3.11.7"),
    ]);
  });

  test("within a PATH directory: python3 and python before the versioned names, newest first (uv's order)", () => {
    const bin = tmp("lockstep-path-");
    for (const n of ["python3.9", "python3.13", "python", "python3", "python3.10", "pythonw"])
      writeFileSync(join(bin, n), "");
    const paths = candidatePaths({ env: { PATH: bin, PYENV_ROOT: "/nonexistent", HOME: "/nonexistent" } });
    expect(paths).toEqual(
      ["python3", "python", "python3.13", "python3.10", "python3.9"].map((n) => join(bin, n)),
    );
  });

  test.each([
    ["3.9", undefined, "3.9.18"],
    [undefined, ">=3.10,<3.12", "3.11.7"],
    ["3.12", ">=3.8", "3.12.1"],
    [">=3.7,<3.8", undefined, "3.7.16"],
  ])("request %s with requires-python %s → %s", (request, rp, expected) => {
    const info = findInterpreter({
      request,
      requiresPython: rp ? SpecifierSet.parse(rp) : undefined,
      env: pyenvOnly,
    });
    expect(info.markers.python_full_version).toBe(expected);
  });

  test(".python-version is found upwards and used", () => {
    const dir = tmp("pv-");
    writeFileSync(join(dir, ".python-version"), "# pinned\n3.10\n");
    mkdirSync(join(dir, "a", "b"), { recursive: true });
    expect(findPythonVersionFile(join(dir, "a", "b"))?.request).toBe("3.10");
    expect(findInterpreter({ projectDir: join(dir, "a", "b"), env: pyenvOnly }).markers.python_version).toBe(
      "3.10",
    );
  });

  test("a clear error when nothing fits", () => {
    expect(() => findInterpreter({ request: "3.14", env: pyenvOnly })).toThrow(
      "No interpreter found for Python 3.14 in VIRTUAL_ENV, .venv, PATH or pyenv",
    );
    expect(() =>
      findInterpreter({ request: py("3.8.18"), requiresPython: SpecifierSet.parse(">=3.10") }),
    ).toThrow(
      `The interpreter at ${py("3.8.18")} is Python 3.8.18, which does not satisfy the project's requires-python >=3.10`,
    );
  });
});

describe("venv creation", () => {
  const clean = { ...process.env };
  for (const k of Object.keys(clean))
    if (k.startsWith("PIP_") || k === "VIRTUAL_ENV" || k === "PYTHONPATH") delete clean[k];
  clean.PIP_CONFIG_FILE = "/dev/null";

  test("a lockstep venv is a real venv that Python, pip and the activate script accept", () => {
    const dir = tmp("venv-");
    const info = queryInterpreter(py("3.12.1"));
    const venv = createVenv(join(dir, ".venv"), info, { prompt: "demo" });
    expect(readFileSync(join(venv.root, "pyvenv.cfg"), "utf8")).toContain(
      "home = /root/.pyenv/versions/3.12.1/bin\n",
    );
    expect(readlinkSync(join(venv.bin, "python3.12"))).toBe("python");
    expect(existsSync(join(venv.root, "lib", "python3.12", "site-packages"))).toBe(true);

    const probe = spawnSync(
      venv.python,
      ["-c", "import sys, site; print(sys.prefix); print(sys.base_prefix); print(site.getsitepackages()[0])"],
      { encoding: "utf8" },
    );
    expect(probe.stdout.trim().split("\n")).toEqual([
      venv.root,
      "/root/.pyenv/versions/3.12.1",
      venv.sitePackages,
    ]);

    // pip can live in it and list it (ensurepip is offline: it installs its bundled wheel).
    const ensure = spawnSync(venv.python, ["-m", "ensurepip", "--default-pip"], {
      encoding: "utf8",
      env: clean,
    });
    expect(ensure.status, ensure.stderr).toBe(0);
    const list = spawnSync(venv.python, ["-m", "pip", "list", "--format", "json"], {
      encoding: "utf8",
      env: clean,
    });
    expect((JSON.parse(list.stdout) as Array<{ name: string }>).map((p) => p.name)).toContain("pip");

    const shell = spawnSync(
      "bash",
      [
        "-c",
        `PS1='$ '; source ${join(venv.bin, "activate")} && echo "$VIRTUAL_ENV" && command -v python && echo "$PS1" && deactivate && echo "\${VIRTUAL_ENV:-none}"`,
      ],
      {
        encoding: "utf8",
        env: { PATH: "/usr/bin:/bin", PS1: "$ " },
      },
    );
    expect(shell.stdout.trim().split("\n")).toEqual([venv.root, venv.python, "(demo) $ ", "none"]);

    const opened = openVenv(venv.root);
    expect(opened?.info.markers.python_full_version).toBe("3.12.1");
    expect(opened?.info.isVenv).toBe(true);
  });

  test("a venv made from a venv's python points home at the base interpreter", () => {
    const dir = tmp("venv2-");
    const first = createVenv(join(dir, "one"), queryInterpreter(py("3.11.7")));
    const second = createVenv(join(dir, "two"), queryInterpreter(first.python));
    expect(readFileSync(join(second.root, "pyvenv.cfg"), "utf8")).toContain(
      "home = /root/.pyenv/versions/3.11.7/bin\n",
    );
  });

  test("refuses to overwrite a directory that is not a venv", () => {
    const dir = tmp("venv3-");
    writeFileSync(join(dir, "precious.txt"), "x");
    expect(() => createVenv(dir, queryInterpreter(py("3.11.7")))).toThrow(
      "is not a virtual environment; refusing to overwrite it",
    );
  });
});
