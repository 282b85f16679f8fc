/**
 * The parser in-process: global flags before and after the command, `run`'s argv, "did you mean",
 * no camelCase in messages, exit codes. `--project` points at a directory that does not exist, so a
 * command that parsed reports that (exit 1) without touching the network or a venv.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { main } from "./run-cli";

async function lockstep(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
  });
  return { code, stdout, stderr };
}

const nowhere = join(mkdtempSync(join(tmpdir(), "lockstep-run-cli-")), "missing");
const missing = `error: the project directory ${JSON.stringify(nowhere)} does not exist\n`;

describe("global flags and run's argv", () => {
  test.each([
    ["--project before run", ["--project", nowhere, "run", "python", "-c", "1"]],
    ["--project after run", ["run", "--project", nowhere, "python", "-c", "1"]],
    [
      "run python --version reaches the command, not lockstep's version",
      ["--project", nowhere, "run", "python", "--version"],
    ],
    ["run python -h", ["--project", nowhere, "run", "python", "-h"]],
    ["run pytest -x", ["--project", nowhere, "run", "pytest", "-x"]],
    ["-v before run's command is lockstep's", ["run", "-v", "--project", nowhere, "python", "-c", "1"]],
    ["-q and --color after the command name", ["sync", "-q", "--color", "never", "--project", nowhere]],
    [
      "globals before the command name",
      ["-vv", "--offline", "--no-progress", "--log-format", "json", "--project", nowhere, "lock"],
    ],
    ["--project=DIR before tree", [`--project=${nowhere}`, "tree"]],
  ])("%s", async (_name, argv) => {
    expect(await lockstep(argv)).toEqual({ code: 1, stdout: "", stderr: missing });
  });

  test("run without a command is a usage error", async () => {
    expect(await lockstep(["run", "--project", nowhere])).toEqual({
      code: 2,
      stdout: "",
      stderr: "error: `lockstep run` needs a command to run\n  hint: e.g. `lockstep run python -m pytest`\n",
    });
  });
});

describe("usage errors: did you mean, kebab-case only, exit 2", () => {
  test.each([
    [["snyc"], "error: unrecognized subcommand 'snyc'\n  hint: did you mean `lockstep sync`?\n"],
    [
      ["python", "lst"],
      "error: unrecognized subcommand 'lst'\n  hint: did you mean `lockstep python list`?\n",
    ],
    [
      ["cache", "prun"],
      "error: unrecognized subcommand 'prun'\n  hint: did you mean `lockstep cache prune`?\n",
    ],
    [
      ["--project", nowhere, "python", "lst"],
      "error: unrecognized subcommand 'lst'\n  hint: did you mean `lockstep python list`?\n",
    ],
    [
      ["--project", nowhere, "snyc"],
      "error: unrecognized subcommand 'snyc'\n  hint: did you mean `lockstep sync`?\n",
    ],
    [["lock", "--dry-runn"], "error: unexpected argument '--dry-runn'\n  hint: did you mean '--dry-run'?\n"],
    [
      ["lock", "--upgradePackage", "x"],
      "error: unexpected argument '--upgradePackage'\n  hint: did you mean '--upgrade-package'?\n",
    ],
    [["--ofline", "sync"], "error: unexpected argument '--ofline'\n  hint: did you mean '--offline'?\n"],
    [["tree", "--zzzzzz"], "error: unexpected argument '--zzzzzz'\n  hint: see `lockstep --help`\n"],
    [
      ["tree", "--depth", "abc", "--project", nowhere],
      'error: --depth: expected a whole number >= 0, got "abc"\n',
    ],
    [
      ["sync", "--link-mode", "teleport"],
      'error: Invalid values:\n  Argument: link-mode, Given: "teleport", Choices: "hardlink", "copy", "clone", "symlink"\n  hint: see `lockstep --help`\n',
    ],
    [
      ["lock", "--color", "blue"],
      'error: Invalid values:\n  Argument: color, Given: "blue", Choices: "auto", "always", "never"\n  hint: see `lockstep --help`\n',
    ],
    [
      ["sync", "--frozen", "--locked"],
      "error: Arguments frozen and locked are mutually exclusive\n  hint: see `lockstep --help`\n",
    ],
  ])("%j", async (argv, stderr) => {
    const res = await lockstep(argv);
    expect(res).toEqual({ code: 2, stdout: "", stderr });
    const camel = (res.stderr.match(/\b[a-z]+[A-Z]\w*/g) ?? []).filter((w) => !argv.join(" ").includes(w));
    expect(camel).toEqual([]);
  });

  test("-V and --version print lockstep's version; -h shows help", async () => {
    const out: string[] = [];
    const log = console.log;
    console.log = (t: string) => void out.push(t);
    try {
      expect((await lockstep(["-V"])).code).toBe(0);
      expect((await lockstep(["sync", "--version"])).code).toBe(0);
      expect((await lockstep(["-h"])).code).toBe(0);
    } finally {
      console.log = log;
    }
    expect(out[0]).toBe("0.1.0");
    expect(out[1]).toBe("0.1.0");
    expect(out[2]).toContain("--directory");
    expect(out[2]).toContain("lockstep sync");
  });
});
