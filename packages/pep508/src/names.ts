/**
 * Package and extra names (PEP 503 normalization, PEP 508 name syntax, PEP 685 extras).
 *
 * Pitfalls: normalization collapses *runs* of `-`, `_` and `.` into one `-` and lowercases; it does
 * not validate. A valid name starts and ends with an ASCII letter or digit. Extras are compared
 * after the same normalization (PEP 685), so `Foo_Bar` and `foo.bar` are the same extra.
 */

const SEPARATOR_RUN = /[-_.]+/g;
const VALID_NAME = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i;

/** PEP 503 normalized form: lowercase, each run of `-_.` replaced by a single `-`. */
export function canonicalizeName(name: string): string {
  return name.replace(SEPARATOR_RUN, "-").toLowerCase();
}

/** Whether `name` is a syntactically valid distribution (or extra) name per PEP 508. */
export function isValidName(name: string): boolean {
  return VALID_NAME.test(name);
}

/** PEP 685: extras compare by their PEP 503 normalized form. */
export function normalizeExtraName(name: string): string {
  return canonicalizeName(name);
}
