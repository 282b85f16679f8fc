/**
 * "Did you mean" for unknown keys: the closest valid key by Levenshtein distance.
 *
 * Pitfall: a suggestion that is too far away is worse than none, so it is offered only within a
 * third of the key's length (at least 2 edits), and keys are compared with `_` read as `-`, since
 * `exclude_newer` for `exclude-newer` is the most common slip.
 */

export function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(
        Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost),
      );
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The candidate closest to `key`, when one is close enough to be a likely typo. */
export function closest(key: string, candidates: readonly string[]): string | undefined {
  const normalized = key.toLowerCase().replace(/_/g, "-");
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = levenshtein(normalized, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
