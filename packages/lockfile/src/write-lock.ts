/**
 * `writeLock`: a resolved graph and its inputs → `pylock.toml` text (PEP 751). The composition of
 * `lockFromResolution` (content and order) and `formatLock` (bytes); see those files for the rules.
 */
import { formatLock } from "./format-lock";
import { lockFromResolution } from "./from-resolution";
import type { ResolvedGraph, WriteLockOptions } from "./from-resolution";
import type { ParsedLockInputs } from "./lock-inputs";

export function writeLock(
  resolution: ResolvedGraph,
  inputs: ParsedLockInputs,
  opts: WriteLockOptions = {},
): string {
  return formatLock(lockFromResolution(resolution, inputs, opts));
}
