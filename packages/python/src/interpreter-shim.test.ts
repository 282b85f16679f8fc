/**
 * A pyenv-style shim (a script choosing a Python by a version file) is never cached by its own path:
 * the query answers for the executable it runs now, so switching the shim's version is seen, and a
 * shim whose chosen version is gone fails instead of answering from a stale cache entry.
 */
import { chmodSync, mkdtempSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { queryInterpreter } from "./interpreter";

const PYTHON = realpathSync("/usr/bin/python3");

test("a shim is resolved to the executable it runs, and never answered from the cache by its path", () => {
  const dir = mkdtempSync(join(tmpdir(), "lockstep-shim-"));
  const cacheDir = join(dir, "cache");
  const choice = join(dir, "version");
  const shim = join(dir, "python3");
  writeFileSync(shim, `#!/bin/sh\nexec "$(cat '${choice}')" "$@"\n`);
  chmodSync(shim, 0o755);

  writeFileSync(choice, PYTHON);
  const info = queryInterpreter(shim, cacheDir);
  expect(info.path).toBe(PYTHON);
  expect(realpathSync(info.executable)).toBe(PYTHON);

  // The shim's bytes are unchanged, but the version it chose is gone.
  writeFileSync(choice, join(dir, "uninstalled-python"));
  expect(() => queryInterpreter(shim, cacheDir)).toThrow(`Failed to query the Python interpreter at ${shim}`);

  // The real executable itself is cached as usual.
  expect(queryInterpreter(PYTHON, cacheDir).path).toBe(PYTHON);
});
