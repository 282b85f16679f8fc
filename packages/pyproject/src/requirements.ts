/**
 * Reading PEP 508 requirements, PEP 440 specifier sets and markers out of TOML strings, with each
 * error placed at the bad character of the string in the file.
 *
 * Pitfall: the parsers report a span inside the string; the file column is the string's column plus
 * its opening quote plus that span's start (done by `Problems.position`).
 */

import { ParseError } from "@lockstep/errors";
import { SpecifierSet } from "@lockstep/pep440";
import { Marker, Requirement } from "@lockstep/pep508";
import { describePath } from "./problems";
import type { Problems } from "./problems";
import type { KeyPath } from "./toml-cst";

/** The parsers' own message is `Failed to parse <what> "<input>": <reason>\n<underline>`; we keep the reason. */
function reasonOf(error: unknown): { reason: string; offset: number | undefined } | undefined {
  if (error instanceof ParseError) return { reason: error.reason, offset: error.span.start };
  return undefined;
}

function parseAt<T>(
  problems: Problems,
  path: KeyPath,
  text: string,
  what: string,
  code: string,
  parse: (s: string) => T,
): T | undefined {
  try {
    return parse(text);
  } catch (error) {
    const parsed = reasonOf(error);
    if (!parsed) throw error;
    problems.report(
      code,
      path,
      `${describePath(path)}: ${JSON.stringify(text)} is not a valid ${what}: ${parsed.reason}`,
      {
        inString: parsed.offset,
      },
    );
    return undefined;
  }
}

export function parseRequirementAt(problems: Problems, path: KeyPath, text: string): Requirement | undefined {
  return parseAt(problems, path, text, "PEP 508 requirement", "invalid-requirement", (s) =>
    Requirement.parse(s),
  );
}

export function parseSpecifiersAt(problems: Problems, path: KeyPath, text: string): SpecifierSet | undefined {
  return parseAt(problems, path, text, "PEP 440 specifier set", "invalid-specifiers", (s) =>
    SpecifierSet.parse(s),
  );
}

export function parseMarkerAt(problems: Problems, path: KeyPath, text: string): Marker | undefined {
  return parseAt(problems, path, text, "PEP 508 marker", "invalid-marker", (s) => Marker.parse(s));
}

/** An array of requirement strings; bad items are reported and left out. */
export function readRequirements(problems: Problems, path: KeyPath, value: unknown): Requirement[] {
  const out: Requirement[] = [];
  if (!problems.stringArray(path, value) || !Array.isArray(value)) return out;
  value.forEach((item, i) => {
    if (typeof item !== "string") return;
    const requirement = parseRequirementAt(problems, [...path, i], item);
    if (requirement) out.push(requirement);
  });
  return out;
}
