/**
 * One sync at a time per venv: `<venv>/.lockstep.lock`, created exclusively (`wx`) and holding the
 * owner's pid. A second sync polls until the lock is released or a timeout passes, then fails
 * naming the owner. A lock whose pid is no longer running (a sync that was killed) is taken over.
 *
 * Pitfalls: taking over must itself be exclusive, or two waiters could both delete the stale lock
 * and the second would delete the first's fresh one; so a takeover first creates `.lockstep.lock.takeover`
 * (`wx`), re-reads the lock to be sure it is still the same dead pid, replaces it, and drops the
 * takeover file. A takeover file left by a killed process is removed when its pid is dead. A pid can
 * be reused by an unrelated process after a crash; then the lock looks held until the timeout, which
 * errs on the safe side. `process.kill(pid, 0)` throws EPERM for a live process of another user.
 */
import { readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { LockstepError } from "@lockstep/errors";

export const LOCK_FILE = ".lockstep.lock";

export class VenvLockedError extends LockstepError {
  constructor(
    readonly venv: string,
    readonly owner: number | undefined,
    waitedMs: number,
  ) {
    super(
      "venv-locked",
      `Another lockstep process${owner === undefined ? "" : ` (pid ${owner})`} is modifying the environment at ${venv}; gave up after waiting ${Math.round(waitedMs / 1000)}s`,
      { hint: `wait for it to finish, or remove ${join(venv, LOCK_FILE)} if no lockstep process is running` },
    );
  }
}

export interface VenvLock {
  path: string;
  release(): void;
}

export interface LockOptions {
  /** How long to wait for another sync (ms). Default 5 minutes. */
  timeoutMs?: number;
  pollMs?: number;
  /** Called once when the lock is busy and we start waiting. */
  onWait?: (owner: number | undefined) => void;
}

function readPid(path: string): number | undefined {
  try {
    const n = Number.parseInt(readFileSync(path, "utf8"), 10);
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a process with this pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function tryCreate(path: string): boolean {
  try {
    writeFileSync(path, `${process.pid}\n`, { flag: "wx" });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
}

function unlinkQuiet(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

/** Replace a lock held by a dead process; true when we now hold it. */
function takeOver(path: string, stalePid: number): boolean {
  const guard = `${path}.takeover`;
  if (!tryCreate(guard)) {
    const holder = readPid(guard);
    if (holder !== undefined && !isAlive(holder)) unlinkQuiet(guard);
    return false;
  }
  try {
    if (readPid(path) !== stalePid) return false;
    unlinkQuiet(path);
    return tryCreate(path);
  } finally {
    unlinkQuiet(guard);
  }
}

/** Take the venv's lock, waiting for another sync if needed. */
export async function acquireVenvLock(venvRoot: string, opts: LockOptions = {}): Promise<VenvLock> {
  const path = join(venvRoot, LOCK_FILE);
  const timeout = opts.timeoutMs ?? 5 * 60_000;
  const poll = opts.pollMs ?? 50;
  const started = Date.now();
  let waited = false;
  for (;;) {
    if (tryCreate(path)) break;
    const owner = readPid(path);
    if (owner !== undefined && owner !== process.pid && !isAlive(owner) && takeOver(path, owner)) break;
    const elapsed = Date.now() - started;
    if (elapsed >= timeout) throw new VenvLockedError(venvRoot, owner, elapsed);
    if (!waited) {
      waited = true;
      opts.onWait?.(owner);
    }
    await sleep(poll);
  }
  let held = true;
  return {
    path,
    release() {
      if (!held) return;
      held = false;
      if (readPid(path) === process.pid) unlinkQuiet(path);
    },
  };
}

/**
 * Remove a lock left by a killed process (one stat when there is none), so that a no-op sync, which
 * never takes the lock, still leaves the venv clean.
 */
export function clearStaleVenvLock(venvRoot: string): boolean {
  const path = join(venvRoot, LOCK_FILE);
  const owner = readPid(path);
  if (owner === undefined || owner === process.pid || isAlive(owner)) return false;
  if (!takeOver(path, owner)) return false;
  unlinkQuiet(path);
  return true;
}
