/**
 * Wheel file names (binary distribution format, PEP 427 as amended by PEP 491):
 * `{name}-{version}(-{build})?-{python}-{abi}-{platform}.whl`.
 *
 * Pitfalls: the name and version must be escaped by the writer (runs of `-_.` become `_`, the version
 * is normalized), so the dash count identifies the parts — yet old wheels in the wild use `.` or
 * upper case in names, so readers canonicalize instead of insisting on the escaped form. The build
 * tag must start with a digit and sorts by that number first, then the rest as a string. Each tag
 * part may be a dotted *compressed set* (`py2.py3`).
 *
 * A file name from an index becomes a path in the cache and a name in the lock, so the grammar is
 * strict: after the spec's escaping every component holds only letters, digits, `_` and `.` (the
 * build tag: a digit, then those), never `/`, `\`, `..` or a control character.
 */

import { ParseError, underline, type Span } from "@lockstep/errors";
import { Version } from "@lockstep/pep440";
import { canonicalizeName, isValidName } from "@lockstep/pep508";
import { expandTags, formatTag, type Tag } from "./tag";

export interface BuildTag {
  number: number;
  tag: string;
}

export class InvalidWheelFilename extends ParseError {
  constructor(filename: string, reason: string, span: Span) {
    super("wheel-filename-invalid", "wheel filename", filename, reason, span);
    this.message = `The wheel filename ${JSON.stringify(filename)} is invalid: ${reason}\n${underline(filename, span)}`;
  }
}

const MISSING_PART = ["a version", "a Python tag", "an ABI tag", "a platform tag"];

/** The stem's dash-separated parts with their offsets into the file name. */
function splitParts(stem: string): { text: string; start: number }[] {
  const parts: { text: string; start: number }[] = [];
  let start = 0;
  for (const text of stem.split("-")) {
    parts.push({ text, start });
    start += text.length + 1;
  }
  return parts;
}

/**
 * Parse a build tag (`1`, `2b`, `3_x`): undefined unless it is a digit followed by letters, digits,
 * `_` and single `.`s — what the spec's escaping (`[^\w\d.]+` → `_`) can produce.
 */
export function parseBuildTag(text: string): BuildTag | undefined {
  if (text.includes("..")) return undefined;
  const match = /^(\d+)([A-Za-z0-9_.]*)$/.exec(text);
  return match ? { number: Number(match[1]), tag: match[2]! } : undefined;
}

/** Build tags order by number, then by the rest as a string; no build tag sorts first. */
export function compareBuildTags(a: BuildTag | undefined, b: BuildTag | undefined): number {
  if (!a || !b) return (a ? 1 : 0) - (b ? 1 : 0);
  if (a.number !== b.number) return a.number - b.number;
  return a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0;
}

/**
 * The first character that cannot be in one file name taken from an index: a path separator
 * (`/`, `\\`) or a control character (NUL included); undefined when there is none.
 */
export function unsafeFilenameChar(name: string): { index: number; what: string } | undefined {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === 0x2f || c === 0x5c) return { index: i, what: "a path separator" };
    if (c < 0x20 || c === 0x7f) return { index: i, what: "a control character" };
  }
  return undefined;
}

export class WheelFilename {
  private constructor(
    /** The canonical (PEP 503) project name. */
    readonly name: string,
    readonly version: Version,
    readonly build: BuildTag | undefined,
    readonly pythonTags: readonly string[],
    readonly abiTags: readonly string[],
    readonly platformTags: readonly string[],
  ) {}

  static parse(filename: string): WheelFilename {
    const unsafe = unsafeFilenameChar(filename);
    if (unsafe) {
      const { index, what } = unsafe;
      return fail(filename, `Must be one file name, but contains ${what}`, index, index + 1);
    }
    if (!filename.endsWith(".whl")) {
      throw new InvalidWheelFilename(filename, "Must end with .whl", {
        start: Math.max(0, filename.lastIndexOf(".")),
        end: filename.length,
      });
    }
    const stem = filename.slice(0, -4);
    const parts = splitParts(stem);
    if (parts.length < 5) {
      const missing = MISSING_PART[parts.length - 1] ?? "a platform tag";
      return fail(filename, `Must have ${missing}`, stem.length, stem.length + 1);
    }
    if (parts.length > 6) {
      return fail(filename, `Must have 5 or 6 dash-separated parts, found ${parts.length}`, 0, stem.length);
    }
    const [name, version] = parts as [(typeof parts)[0], (typeof parts)[0]];
    if (!isValidName(name.text)) {
      return fail(
        filename,
        `The name "${name.text}" is not a valid package name`,
        name.start,
        name.start + name.text.length,
      );
    }
    const parsed = Version.tryParse(version.text);
    if (!parsed) {
      const end = version.start + version.text.length;
      return fail(
        filename,
        `The version "${version.text}" is not a valid PEP 440 version`,
        version.start,
        end,
      );
    }
    let build: BuildTag | undefined;
    if (parts.length === 6) {
      const part = parts[2]!;
      build = parseBuildTag(part.text);
      if (!build) {
        const end = part.start + part.text.length;
        const reason = /^\d/.test(part.text)
          ? `The build tag "${part.text}" may hold only letters, digits, "_" and "." after its leading digits`
          : `The build tag "${part.text}" must start with a digit`;
        return fail(filename, reason, part.start, end);
      }
    }
    const tagParts = parts.slice(-3);
    const sets = tagParts.map((part, i) => {
      const items = part.text.split(".");
      const what = ["Python tag", "ABI tag", "platform tag"][i]!;
      const end = part.start + Math.max(1, part.text.length);
      if (items.some((item) => item === "")) {
        return fail(filename, `The ${what} "${part.text}" has an empty part`, part.start, end);
      }
      if (items.some((item) => !/^[A-Za-z0-9_]+$/.test(item))) {
        return fail(
          filename,
          `The ${what} "${part.text}" may hold only letters, digits and "_" (dots between tags)`,
          part.start,
          end,
        );
      }
      return items;
    });
    return new WheelFilename(canonicalizeName(name.text), parsed, build, sets[0]!, sets[1]!, sets[2]!);
  }

  static tryParse(filename: string): WheelFilename | undefined {
    try {
      return WheelFilename.parse(filename);
    } catch (error) {
      if (error instanceof InvalidWheelFilename) return undefined;
      throw error;
    }
  }

  /** Every tag of the compressed sets, lower-cased. */
  tags(): Tag[] {
    return expandTags(this.pythonTags, this.abiTags, this.platformTags);
  }

  /** The normalized file name: escaped name, normalized version, tags as written. */
  toString(): string {
    const tags = `${this.pythonTags.join(".")}-${this.abiTags.join(".")}-${this.platformTags.join(".")}`;
    return wheelFilename(this.name, this.version, tags, this.build);
  }
}

function fail(filename: string, reason: string, start: number, end: number): never {
  throw new InvalidWheelFilename(filename, reason, { start, end });
}

/** `Foo.Bar` → `foo_bar`: the name as it appears in wheel and `.dist-info` names. */
export function escapeWheelName(name: string): string {
  return canonicalizeName(name).replace(/-/g, "_");
}

/**
 * Write a wheel file name. `tags` is one tag or a tag-set string such as `py2.py3-none-any`.
 */
export function wheelFilename(
  name: string,
  version: Version | string,
  tags: Tag | string,
  build?: BuildTag | string,
): string {
  const normalized = (typeof version === "string" ? Version.parse(version) : version)
    .toString()
    .replace(/-/g, "_");
  const tagText = typeof tags === "string" ? tags : formatTag(tags);
  const buildText =
    build === undefined ? "" : `-${typeof build === "string" ? build : `${build.number}${build.tag}`}`;
  return `${escapeWheelName(name)}-${normalized}${buildText}-${tagText}.whl`;
}

/**
 * Only the tags and build tag of a wheel file name, without parsing the version: the cheap path for
 * ranking the hundreds of files on an index page. Undefined when the name does not have the shape.
 */
export function wheelTagsOf(filename: string): { tags: string[]; build: BuildTag | undefined } | undefined {
  if (!filename.endsWith(".whl") || unsafeFilenameChar(filename)) return undefined;
  const parts = filename.slice(0, -4).split("-");
  if (parts.length !== 5 && parts.length !== 6) return undefined;
  const build = parts.length === 6 ? parseBuildTag(parts[2]!) : undefined;
  if (parts.length === 6 && !build) return undefined;
  const [python, abi, platform] = parts.slice(-3).map((p) => p.split(".")) as [string[], string[], string[]];
  if ([python, abi, platform].some((set) => set.some((t) => !/^[A-Za-z0-9_]+$/.test(t)))) return undefined;
  return { tags: expandTags(python, abi, platform).map(formatTag), build };
}
