/**
 * Errors of git sources. Every message names the repository URL with its credentials removed
 * (`redact`), since URLs such as `https://token@host/repo.git` are common and messages end up in CI
 * logs.
 */

import { LockstepError } from "@lockstep/errors";

export class GitError extends LockstepError {}
