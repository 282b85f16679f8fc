/**
 * Running the `git` binary found on PATH. lockstep does not speak git's protocols itself: git
 * already handles every transport, credential helper and SSH configuration the user has.
 *
 * Pitfalls: git must never stop to ask for a password (`GIT_TERMINAL_PROMPT=0`), or a lock hangs
 * forever in CI; git quotes the remote URL in its own errors, credentials included, so its stderr is
 * redacted before it reaches a message; a missing binary shows up as ENOENT from spawn, which is
 * turned into an error that says what needed git.
 */

import { spawn } from "node:child_process";
import { redact } from "@lockstep/index/auth";
import { GitError } from "./git-error";

export interface GitRunOptions {
  /** What needed git, for the missing-binary message, e.g. `git+https://host/repo.git@v1`. */
  purpose: string;
  cwd?: string | undefined;
  env?: NodeJS.ProcessEnv | undefined;
  /** The git binary; `git` (looked up on PATH) unless a test says otherwise. */
  binary?: string | undefined;
}

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run git; resolves with its exit code and output (redacted), rejects only when git cannot start. */
export function runGit(args: readonly string[], options: GitRunOptions): Promise<GitResult> {
  const binary = options.binary ?? "git";
  return new Promise((resolvePromise, reject) => {
    const child = spawn(binary, args, {
      cwd: options.cwd,
      env: {
        ...(options.env ?? process.env),
        GIT_TERMINAL_PROMPT: "0",
        // Our own invocations must not be changed by the user's aliases or hooks in templates.
        GIT_TEMPLATE_DIR: "",
        LC_ALL: "C",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", (cause: NodeJS.ErrnoException) => {
      if (cause.code === "ENOENT") {
        reject(
          new GitError(
            "git-not-found",
            `git is needed for ${redact(options.purpose)} but was not found on PATH`,
            { hint: "install git (https://git-scm.com) or use a source that is not a git repository", cause },
          ),
        );
      } else reject(cause);
    });
    child.on("close", (code) => {
      resolvePromise({
        code: code ?? 1,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: redact(Buffer.concat(err).toString("utf8")),
      });
    });
  });
}

/** Run git and return its stdout; a non-zero exit becomes a GitError quoting git's last lines. */
export async function git(
  args: readonly string[],
  options: GitRunOptions & { failure: string; code?: string },
) {
  const result = await runGit(args, options);
  if (result.code !== 0) {
    const tail = result.stderr.trim().split("\n").slice(-5).join("\n  ");
    throw new GitError(
      options.code ?? "git-failed",
      `${options.failure}${tail === "" ? "" : `:\n  ${tail}`}`,
    );
  }
  return result.stdout;
}
