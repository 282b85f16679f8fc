/**
 * Reading core metadata (`METADATA` in wheels, `PKG-INFO` in sdists, PEP 658 `.metadata` files):
 * RFC 822 style headers, then an optional body that is the description (2.1+, PEP 566).
 *
 * Pitfalls: continuation lines start with whitespace; legacy `Description` headers mark each
 * continuation with seven spaces and a `|` (1.x), which is not part of the text. A newer *minor*
 * Metadata-Version must be accepted (new fields are additive), a newer *major* must be rejected.
 * `Requires-Dist` lines are where broken metadata usually hides, so errors name the source (a URL
 * or a path) and the line. Single-use fields that repeat: `Name`, `Version` and `Metadata-Version`
 * are errors, the others keep the first value, as tolerant readers in the ecosystem do.
 */

import { FileError, type LockstepErrorOptions } from "@lockstep/errors";
import { SpecifierSet, Version } from "@lockstep/pep440";
import { Requirement, canonicalizeName, isValidName } from "@lockstep/pep508";
import { FIELDS_BY_HEADER, NEVER_DYNAMIC, type CoreMetadata } from "./metadata-fields";

/** The newest Metadata-Version this reader knows; newer minors are read, newer majors refused. */
export const KNOWN_METADATA_VERSION: readonly [number, number] = [2, 4];

export class CoreMetadataError extends FileError {
  constructor(
    code: string,
    source: string,
    line: number | undefined,
    message: string,
    options: LockstepErrorOptions = {},
  ) {
    super(code, source, { line }, message, options);
  }
}

interface RawHeader {
  name: string;
  value: string;
  line: number;
}

/** Continuation text: eight spaces (or a tab) of indentation are folding, more is content. */
function unfold(line: string, description: boolean): string {
  if (description && /^ {7}\|/.test(line)) return line.slice(8);
  if (line.startsWith("        ")) return line.slice(8);
  return line.replace(/^[ \t]+/, "");
}

function splitHeaders(text: string, source: string): { headers: RawHeader[]; body: string | undefined } {
  const headers: RawHeader[] = [];
  let offset = 0;
  let lineNumber = 0;
  while (offset < text.length) {
    let end = text.indexOf("\n", offset);
    if (end < 0) end = text.length;
    const line = text.slice(offset, end).replace(/\r$/, "");
    offset = end + 1;
    lineNumber++;
    if (line === "") return { headers, body: offset < text.length ? text.slice(offset) : undefined };
    const last = headers.at(-1);
    if (line.startsWith(" ") || line.startsWith("\t")) {
      if (!last) {
        throw new CoreMetadataError(
          "metadata-invalid-header",
          source,
          lineNumber,
          `A continuation line comes before any header: ${JSON.stringify(line)}`,
        );
      }
      const description = last.name.toLowerCase() === "description";
      const multiline = description || last.name.toLowerCase() === "license";
      last.value += multiline ? `\n${unfold(line, description)}` : ` ${line.trim()}`;
      continue;
    }
    const match = /^([A-Za-z0-9][A-Za-z0-9_-]*)[ \t]*:(.*)$/.exec(line);
    if (!match) {
      throw new CoreMetadataError(
        "metadata-invalid-header",
        source,
        lineNumber,
        `Expected a header like "Name: value", found ${JSON.stringify(line)}`,
      );
    }
    headers.push({ name: match[1]!, value: match[2]!.trim(), line: lineNumber });
  }
  return { headers, body: undefined };
}

/**
 * Parse core metadata. `source` names where it came from (a URL, a path, `foo.whl!/…/METADATA`) and
 * prefixes every error.
 */
export function parseCoreMetadata(text: string, source = "METADATA"): CoreMetadata {
  const { headers, body } = splitHeaders(text, source);
  function fail(code: string, line: number | undefined, message: string, cause?: unknown): never {
    throw new CoreMetadataError(code, source, line, message, cause === undefined ? {} : { cause });
  }

  const single = new Map<string, RawHeader>();
  const meta: Omit<CoreMetadata, "version"> = {
    metadataVersion: "",
    name: "",
    dynamic: [],
    platforms: [],
    supportedPlatforms: [],
    licenseFiles: [],
    classifiers: [],
    requiresDist: [],
    requiresExternal: [],
    projectUrls: [],
    providesExtra: [],
    providesDist: [],
    obsoletesDist: [],
    otherFields: [],
  };

  for (const header of headers) {
    const field = FIELDS_BY_HEADER.get(header.name.toLowerCase());
    if (!field) {
      meta.otherFields.push([header.name, header.value]);
      continue;
    }
    if (!field.multiple) {
      const first = single.get(field.header);
      if (first) {
        if (NEVER_DYNAMIC.has(field.header.toLowerCase())) {
          fail(
            "metadata-duplicate-field",
            header.line,
            `${field.header} is given twice (first on line ${first.line})`,
          );
        }
        continue;
      }
      single.set(field.header, header);
    }
    switch (field.key) {
      case "version":
      case "requiresPython":
        break; // parsed below, once Metadata-Version is known
      case "requiresDist": {
        try {
          meta.requiresDist.push(Requirement.parse(header.value));
        } catch (cause) {
          fail(
            "metadata-invalid-field",
            header.line,
            `Requires-Dist ${JSON.stringify(header.value)} is not a valid requirement`,
            cause,
          );
        }
        break;
      }
      default:
        if (field.multiple) meta[field.key].push(header.value);
        else meta[field.key] = header.value;
    }
  }

  const metadataVersion = single.get("Metadata-Version");
  if (!metadataVersion)
    fail("metadata-missing-field", undefined, "The required field Metadata-Version is missing");
  const mv = /^(\d+)\.(\d+)$/.exec(metadataVersion.value);
  if (!mv) {
    fail(
      "metadata-invalid-field",
      metadataVersion.line,
      `Metadata-Version ${JSON.stringify(metadataVersion.value)} is not of the form MAJOR.MINOR`,
    );
  }
  const major = Number(mv[1]);
  const minor = Number(mv[2]);
  if (major < 1 || major > KNOWN_METADATA_VERSION[0]) {
    fail(
      "metadata-unsupported-version",
      metadataVersion.line,
      `Metadata-Version ${metadataVersion.value} is not supported (this reader knows up to ${KNOWN_METADATA_VERSION.join(".")})`,
    );
  }

  const name = single.get("Name");
  if (!name) return fail("metadata-missing-field", undefined, "The required field Name is missing");
  if (!isValidName(name.value)) {
    fail(
      "metadata-invalid-field",
      name.line,
      `Name ${JSON.stringify(name.value)} is not a valid package name`,
    );
  }
  const version = single.get("Version");
  if (!version) return fail("metadata-missing-field", undefined, "The required field Version is missing");
  const parsedVersion = Version.tryParse(version.value);
  if (!parsedVersion) {
    fail(
      "metadata-invalid-field",
      version.line,
      `Version ${JSON.stringify(version.value)} is not a valid PEP 440 version`,
    );
  }

  const requiresPython = single.get("Requires-Python");
  if (requiresPython) {
    try {
      meta.requiresPython = SpecifierSet.parse(requiresPython.value);
    } catch (cause) {
      fail(
        "metadata-invalid-field",
        requiresPython.line,
        `Requires-Python ${JSON.stringify(requiresPython.value)} is not a valid version specifier set`,
        cause,
      );
    }
  }

  // PEP 685: extras compare normalized; from 2.3 on an invalid extra name is an error.
  const atLeast = (a: number, b: number) => major > a || (major === a && minor >= b);
  meta.providesExtra = meta.providesExtra.map((extra) => {
    if (atLeast(2, 3) && !isValidName(extra)) {
      const line = headers.find((h) => h.name.toLowerCase() === "provides-extra" && h.value === extra)?.line;
      fail(
        "metadata-invalid-field",
        line,
        `Provides-Extra ${JSON.stringify(extra)} is not a valid extra name`,
      );
    }
    return canonicalizeName(extra);
  });

  for (const header of headers) {
    if (header.name.toLowerCase() === "dynamic" && NEVER_DYNAMIC.has(header.value.toLowerCase())) {
      fail("metadata-invalid-field", header.line, `${header.value} cannot be Dynamic`);
    }
  }

  if (body !== undefined && body !== "") meta.description = body;
  return { ...meta, version: parsedVersion };
}
