/**
 * `lockstep venv` and `lockstep python find|list|pin`, in-process through `main`. The essential
 * assertions use the `python3` on PATH (whatever it is); the pyenv interpreters under
 * /root/.pyenv (present on CI's image) add a second version for `--python`, `--seed` and `list`.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { main } from "../run-cli";

const cacheDir = mkdtempSync(join(tmpdir(), "lockstep-venv-cache-"));
const PYENV_312 = "/root/.pyenv/versions/3.12.1/bin/python3";
const NO_PYENV = !existsSync("/root/.pyenv/versions");

async function lockstep(argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await main([...argv, "--cache-dir", cacheDir], {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
  });
  return { code, stdout, stderr };
}

/** The python3 on PATH: its version and the binary it runs. */
const host = (() => {
  const res = spawnSync(
    "python3",
    [
      "-c",
      "import sys, os; print('%d.%d.%d' % sys.version_info[:3]); print(os.path.realpath(sys.executable))",
    ],
    {
      encoding: "utf8",
    },
  );
  const [version, executable] = res.stdout.trim().split("\n");
  if (res.status !== 0 || !version || !executable)
    throw new Error(`python3 on PATH does not run: ${res.stderr}`);
  return { version, minor: version.split(".").slice(0, 2).join("."), executable };
})();

function scratch(): string {
  return mkdtempSync(join(tmpdir(), "lockstep-venv-"));
}

function pythonIn(venv: string, code: string): string {
  return spawnSync(join(venv, "bin", "python"), ["-c", code], { encoding: "utf8" }).stdout.trim();
}

describe("lockstep venv", () => {
  test("creates a venv with the python3 found, prints the interpreter and how to activate it", async () => {
    const venv = join(scratch(), "env");
    const res = await lockstep(["venv", venv, "--python", host.minor]);
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(
      new RegExp(
        `^Using CPython ${host.version.replace(/\./g, "\\.")} interpreter at: \\S+\\nCreating virtual environment at: ${venv}\\nActivate with: source ${venv}/bin/activate\\n$`,
      ),
    );
    expect(pythonIn(venv, "import sys; print(sys.prefix != sys.base_prefix, sys.prefix)")).toBe(
      `True ${venv}`,
    );
  });

  test("in a project, the default path is the project's .venv; --prompt is recorded", async () => {
    const dir = scratch();
    writeFileSync(
      join(dir, "pyproject.toml"),
      `[project]\nname = "p"\nversion = "1"\nrequires-python = ">=${host.minor}"\n`,
    );
    const res = await lockstep(["venv", "--project", dir, "--prompt", "my prompt"]);
    expect(res.code).toBe(0);
    expect(readFileSync(join(dir, ".venv", "pyvenv.cfg"), "utf8")).toMatch(/^prompt = my prompt$/m);
  });

  test("an existing venv is replaced; a file or a foreign directory is refused unless --clear", async () => {
    const dir = scratch();
    const venv = join(dir, ".venv");
    expect((await lockstep(["venv", venv])).code).toBe(0);
    writeFileSync(join(venv, "marker"), "");
    const again = await lockstep(["venv", venv]);
    expect(again.stderr).toContain(`Replaced virtual environment at: ${venv}\n`);
    expect(existsSync(join(venv, "marker"))).toBe(false);

    const file = join(dir, "file-venv");
    writeFileSync(file, "mine\n");
    expect(await lockstep(["venv", file])).toEqual({
      code: 1,
      stdout: "",
      stderr: `error: ${file} exists and is not a directory; refusing to replace it with a virtual environment\n  hint: remove it, or choose another path (\`lockstep venv --clear\` replaces it)\n`,
    });
    expect(readFileSync(file, "utf8")).toBe("mine\n");

    const foreign = join(dir, "data");
    mkdirSync(foreign);
    writeFileSync(join(foreign, "keep.txt"), "");
    expect((await lockstep(["venv", foreign])).stderr).toBe(
      `error: ${foreign} exists and is not a virtual environment; refusing to overwrite it\n  hint: remove it, or choose another path (\`lockstep venv --clear\` replaces it)\n`,
    );
    expect(existsSync(join(foreign, "keep.txt"))).toBe(true);

    expect((await lockstep(["venv", file, "--clear"])).code).toBe(0);
    expect(existsSync(join(file, "pyvenv.cfg"))).toBe(true);
  });

  test.skipIf(NO_PYENV)(
    "--python picks a pyenv version and --seed installs pip with ensurepip (needs /root/.pyenv)",
    async () => {
      const venv = join(scratch(), "seeded");
      const res = await lockstep(["venv", venv, "--python", "3.12", "--seed"]);
      expect(res.code).toBe(0);
      expect(res.stderr).toMatch(/^Using CPython 3\.12\.\d+ interpreter at: .*\n.*\n \+ pip==\d+(\.\d+)*\n/);
      expect(
        pythonIn(venv, "import sys, pip; print(sys.version_info[:2], pip.__file__.startswith(sys.prefix))"),
      ).toBe("(3, 12) True");
    },
    120_000,
  );
});

describe("lockstep python", () => {
  test("find: a version request, a path, and a request nothing satisfies", async () => {
    const found = await lockstep(["python", "find", host.minor]);
    expect(found.code).toBe(0);
    // It may be a pyenv shim: what it runs is what counts.
    const runs = spawnSync(
      found.stdout.trim(),
      ["-c", "import os, sys; print(os.path.realpath(sys.executable))"],
      {
        encoding: "utf8",
      },
    );
    expect(runs.stdout.trim()).toBe(host.executable);
    const byPath = await lockstep(["python", "find", host.executable]);
    expect(byPath.stdout).toBe(`${host.executable}\n`);
    const none = await lockstep(["python", "find", "==1.0"]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(
      /^error: No interpreter found for Python ==1\.0 in VIRTUAL_ENV, \.venv, PATH or pyenv\n/,
    );
  });

  test("list --output-format json includes python3 from PATH (and the pyenv versions when present)", async () => {
    const res = await lockstep(["python", "list", "--output-format", "json"]);
    expect(res.code).toBe(0);
    const list = JSON.parse(res.stdout) as {
      implementation: string;
      version: string;
      path: string;
      executable: string;
    }[];
    expect(list.some((i) => i.executable === host.executable && i.version === host.version)).toBe(true);
    expect(new Set(list.map((i) => `${i.executable}`)).size).toBe(list.length);
    if (!NO_PYENV) expect(list.map((i) => i.executable)).toContain(realpathSync(PYENV_312));
    const text = await lockstep(["python", "list"]);
    expect(text.stdout).toMatch(new RegExp(`^cpython-${host.version.replace(/\./g, "\\.")} +\\S+$`, "m"));
  });

  test("pin writes .python-version in the project root, checks requires-python, and prints the pin", async () => {
    const dir = scratch();
    writeFileSync(
      join(dir, "pyproject.toml"),
      `[project]\nname = "p"\nversion = "1"\nrequires-python = ">=3.8"\n`,
    );
    const sub = join(dir, "src");
    mkdirSync(sub);
    const pin = await lockstep(["python", "pin", host.minor, "--project", sub]);
    expect(pin).toEqual({
      code: 0,
      stdout: "",
      stderr: `Pinned \`${join(dir, ".python-version")}\` to \`${host.minor}\`\n`,
    });
    expect(readFileSync(join(dir, ".python-version"), "utf8")).toBe(`${host.minor}\n`);
    expect((await lockstep(["python", "pin", "--project", dir])).stdout).toBe(`${host.minor}\n`);

    const missing = await lockstep(["python", "pin", "3.99", "--project", dir]);
    expect(missing.stderr).toBe(
      `warning: No interpreter satisfying \`3.99\` is installed; it is pinned anyway (install one before syncing)\nUpdated \`${join(dir, ".python-version")}\` from \`${host.minor}\` -> \`3.99\`\n`,
    );

    writeFileSync(
      join(dir, "pyproject.toml"),
      `[project]\nname = "p"\nversion = "1"\nrequires-python = ">=3.100"\n`,
    );
    const refused = await lockstep(["python", "pin", host.minor, "--project", dir]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `error: The requested Python \`${host.minor}\` (${host.version}) does not satisfy the project's requires-python \`>=3.100\`\n  hint: pin a version that satisfies >=3.100, or change requires-python in ${join(dir, "pyproject.toml")}\n`,
    );
    expect(readFileSync(join(dir, ".python-version"), "utf8")).toBe("3.99\n");
  });
});
