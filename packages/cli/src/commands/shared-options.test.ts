/**
 * Repeatable flags take one value per occurrence, so they never swallow the command or the flag
 * after them (`lockstep --extra-index-url URL lock` once read `lock` as a second URL and failed with
 * `Invalid URL`), and an index URL that is not one is refused naming it, without its credentials.
 * The parser runs in-process; `--project` points at a directory without a project (or at a
 * throwaway one), so no command reaches the network.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { main } from "../run-cli";

async function lockstep(argv: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = "";
  const code = await main(argv, { stdout: () => {}, stderr: (t) => void (stderr += t) });
  return { code, stderr };
}

const URL = "http://127.0.0.1:9/simple";
const nowhere = join(mkdtempSync(join(tmpdir(), "lockstep-flags-")), "missing");

test.each([
  ["lock --extra-index-url URL --upgrade", ["lock", "--extra-index-url", URL, "--upgrade"]],
  ["--extra-index-url URL lock", ["--extra-index-url", URL, "lock"]],
  [
    "lock --extra-index-url URL --find-links DIR --upgrade",
    ["lock", "--extra-index-url", URL, "-f", "/x", "-U"],
  ],
  [
    "lock --extra-index-url A --extra-index-url B",
    ["lock", "--extra-index-url", URL, "--extra-index-url", URL],
  ],
  ["sync --extra URL-like --group g", ["sync", "--extra", "a", "--group", "g", "--dry-run"]],
])("%s parses: the command runs (and finds no project)", async (_name, argv) => {
  const res = await lockstep([...argv, "--project", nowhere]);
  expect(res).toEqual({
    code: 1,
    stderr: `error: the project directory ${JSON.stringify(nowhere)} does not exist\n`,
  });
});

test("a word after a repeatable flag's value is a positional, not a second value", async () => {
  const res = await lockstep(["lock", "--extra-index-url", URL, "sync", "--project", nowhere]);
  expect(res.code).toBe(2);
  expect(res.stderr).toBe("error: unexpected argument 'sync'\n  hint: see `lockstep --help`\n");
});

test.each([
  ["--extra-index-url", "not-a-url", '"not-a-url"'],
  ["--index-url", "lock", '"lock"'],
  ["--index-url", "ftp://user:secret@host/simple", '"ftp://host/simple"'],
])("%s %s is refused, named without credentials", async (flag, url, shown) => {
  const dir = mkdtempSync(join(tmpdir(), "lockstep-flags-project-"));
  writeFileSync(
    join(dir, "pyproject.toml"),
    '[project]\nname = "a"\nversion = "1"\nrequires-python = ">=3.9"\n',
  );
  const res = await lockstep(["lock", flag, url, "--project", dir]);
  expect(res).toEqual({
    code: 2,
    stderr: `error: ${flag}: ${shown} is not a valid index URL\n  hint: give an http(s) URL such as https://pypi.org/simple\n`,
  });
  expect(res.stderr).not.toContain("secret");
});
