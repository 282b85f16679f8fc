/**
 * Cross-checking an export with pip: write the requirements text into the project, make a fresh
 * venv beside it and let pip install from it against the fixture index only. Spawned
 * asynchronously, because the index server answering pip runs in the test process.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { run } from "@lockstep/fixtures";
import type { RunResult } from "@lockstep/fixtures";

export interface PipInstallRequirements {
  /** The interpreter the venv is made from. */
  python: string;
  /** The project directory; `requirements.txt` and `pip-venv/` are written here. */
  dir: string;
  requirements: string;
  indexUrl: string;
  env: NodeJS.ProcessEnv;
}

/** The venv pip installed into and pip's result (the caller asserts on its code). */
export async function pipInstallRequirements(
  o: PipInstallRequirements,
): Promise<{ venv: string; result: RunResult }> {
  writeFileSync(join(o.dir, "requirements.txt"), o.requirements);
  const venv = join(o.dir, "pip-venv");
  execFileSync(o.python, ["-m", "venv", venv]);
  const result = await run(
    join(venv, "bin", "python"),
    [
      "-m",
      "pip",
      "install",
      "--quiet",
      "--disable-pip-version-check",
      "--index-url",
      o.indexUrl,
      "-r",
      "requirements.txt",
    ],
    { cwd: o.dir, env: { ...o.env, PIP_NO_CACHE_DIR: "1" } },
  );
  return { venv, result };
}
