/**
 * Compatibility tags (PEP 425): `interpreter-abi-platform`, e.g. `cp312-cp312-manylinux_2_17_x86_64`.
 *
 * Pitfalls: a wheel name carries *compressed* tag sets (`py2.py3-none-any` is two tags), so one file
 * expands to the product of its dotted parts; tags compare case-insensitively (we lower-case on the
 * way in, as installers do); and a tag string always has exactly two dashes, because every part has
 * its own dashes and dots escaped to `_`.
 */

export interface Tag {
  readonly interpreter: string;
  readonly abi: string;
  readonly platform: string;
}

/** `cp312-cp312-linux_x86_64` */
export function formatTag(tag: Tag): string {
  return `${tag.interpreter}-${tag.abi}-${tag.platform}`;
}

/**
 * Every tag in the compressed sets `interpreters × abis × platforms`, in the order written (interpreter
 * outermost), duplicates removed.
 */
export function expandTags(
  interpreters: readonly string[],
  abis: readonly string[],
  platforms: readonly string[],
): Tag[] {
  const seen = new Set<string>();
  const out: Tag[] = [];
  for (const interpreter of interpreters) {
    for (const abi of abis) {
      for (const platform of platforms) {
        const tag = {
          interpreter: interpreter.toLowerCase(),
          abi: abi.toLowerCase(),
          platform: platform.toLowerCase(),
        };
        const key = formatTag(tag);
        if (!seen.has(key)) {
          seen.add(key);
          out.push(tag);
        }
      }
    }
  }
  return out;
}

/**
 * Parse `py2.py3-none-any` into its tags. Returns undefined when the string does not have exactly three
 * non-empty dash-separated parts (callers raise the error that fits their context).
 */
export function parseTagSet(text: string): Tag[] | undefined {
  const parts = text.split("-");
  if (parts.length !== 3) return undefined;
  const sets = parts.map((part) => part.split("."));
  if (sets.some((set) => set.some((item) => item === ""))) return undefined;
  const [interpreters, abis, platforms] = sets as [string[], string[], string[]];
  return expandTags(interpreters, abis, platforms);
}
