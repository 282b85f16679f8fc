/**
 * Seeding a venv with pip (`lockstep venv --seed`): the venv's own interpreter runs the standard
 * library's `ensurepip`, which installs the pip wheel bundled with that Python. No index and no
 * network are involved, so it works offline and gives the pip that matches the interpreter.
 *
 * Pitfalls: some distributions strip `ensurepip` from their system Python (Debian's python3 without
 * python3-venv); the error says so rather than showing a bare traceback. `-E -s` keep the user's
 * PYTHON* variables and user site-packages out of it, as they are kept out of the interpreter query.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { LockstepError } from "@lockstep/errors";
import type { Venv } from "./venv";

/** Install pip into `venv` with ensurepip; returns the `pip-X.Y.dist-info` version installed. */
export function seedPip(venv: Venv): string {
  const res = spawnSync(venv.python, ["-E", "-s", "-m", "ensurepip", "--default-pip"], {
    encoding: "utf8",
    timeout: 300_000,
    env: { ...process.env, PIP_NO_INPUT: "1", PIP_DISABLE_PIP_VERSION_CHECK: "1" },
  });
  if (res.error || res.status !== 0) {
    const detail = res.error
      ? res.error.message
      : (res.stderr || res.stdout || "").trim().split("\n").slice(-2).join("\n");
    throw new LockstepError(
      "venv-seed-failed",
      `Failed to install pip into ${venv.root} with ensurepip: ${detail}`,
      {
        hint: /No module named ensurepip/.test(detail)
          ? "this Python was built without ensurepip (on Debian/Ubuntu: install python3-venv), or choose another with --python"
          : undefined,
      },
    );
  }
  const pip = readdirSync(venv.sitePackages).find((n) => /^pip-.+\.dist-info$/.test(n));
  if (pip === undefined) {
    throw new LockstepError(
      "venv-seed-failed",
      `ensurepip finished but no pip is installed in ${venv.sitePackages}`,
    );
  }
  return pip.slice("pip-".length, -".dist-info".length);
}
