/**
 * `writeLock`: a resolution and its inputs → `pylock.toml` text (PEP 751). The composition of
 * `lockFromResolution` (content and order) and `formatLock` (bytes); see those files for the rules.
 */
import type { Resolution } from "@lockstep/resolver";
import { formatLock } from "./format-lock";
import { lockFromResolution } from "./from-resolution";
import type { WriteLockOptions } from "./from-resolution";
import type { LockInputs } from "./lock-inputs";

export function writeLock(resolution: Resolution, inputs: LockInputs, opts: WriteLockOptions = {}): string {
  return formatLock(lockFromResolution(resolution, inputs, opts));
}
