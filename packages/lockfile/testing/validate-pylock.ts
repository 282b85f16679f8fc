/**
 * Checking a lock with an independent reader: `packaging.pylock` (PyPA's PEP 751 model) parses and
 * validates the text, so a lock our own reader accepts is also one another tool accepts. Needs
 * `python3` with `packaging` >= 25 on PATH.
 */
import { execFileSync } from "node:child_process";
import { expect } from "vitest";

const SCRIPT = [
  "import sys, tomllib",
  "from packaging.pylock import Pylock",
  "Pylock.from_dict(tomllib.loads(sys.stdin.read())).validate()",
  "print('ok')",
].join("\n");

/** Assert that `packaging.pylock` accepts the lock `text`. */
export function validatePylock(text: string): void {
  expect(execFileSync("python3", ["-c", SCRIPT], { input: text, encoding: "utf8" }).trim()).toBe("ok");
}
