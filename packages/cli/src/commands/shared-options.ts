/**
 * Flags that several commands share (`lock`, `sync`, `add`): where packages come from, and how the
 * resolver chooses among them. One definition, so their names, help text and choices never drift.
 */

export const PRERELEASE_CHOICES = [
  "disallow",
  "allow",
  "if-necessary",
  "explicit",
  "if-necessary-or-explicit",
];
export const RESOLUTION_CHOICES = ["highest", "lowest", "lowest-direct"];

export const INDEX_OPTIONS = {
  "index-url": { alias: "i", type: "string", describe: "Replace the default index (PyPI) with this URL" },
  "extra-index-url": { type: "string", array: true, describe: "Another index, asked before the default one" },
  "find-links": {
    alias: "f",
    type: "string",
    array: true,
    describe: "A directory or flat HTML page of distributions",
  },
  offline: { type: "boolean", describe: "Use only the cache; make no network request" },
  "cache-dir": {
    type: "string",
    describe: "The cache directory (default: $LOCKSTEP_CACHE_DIR or ~/.cache/lockstep)",
  },
} as const;

export const RESOLVER_OPTIONS = {
  prerelease: { type: "string", choices: PRERELEASE_CHOICES, describe: "When pre-releases may be chosen" },
  resolution: { type: "string", choices: RESOLUTION_CHOICES, describe: "Which versions to prefer" },
  "exclude-newer": { type: "string", describe: "Ignore files uploaded after this date or RFC 3339 time" },
} as const;

/** The parsed values of INDEX_OPTIONS and RESOLVER_OPTIONS. */
export interface SharedFlagArgs {
  "index-url"?: string | undefined;
  "extra-index-url"?: string[] | undefined;
  "find-links"?: string[] | undefined;
  offline?: boolean | undefined;
  "cache-dir"?: string | undefined;
  prerelease?: string | undefined;
  resolution?: string | undefined;
  "exclude-newer"?: string | undefined;
}
