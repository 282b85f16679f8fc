/**
 * The core metadata fields (PyPA core metadata specification, versions 1.0–2.4; PEP 566, 643, 685,
 * 639), in the order the specification lists them — which is also the order we write them in.
 *
 * Pitfalls: header names are case-insensitive (`Home-page` is often written `Home-Page`); some fields
 * may repeat and keep their order (`Requires-Dist`, `Classifier`), the rest may not; `Description` and
 * `License` are free text that can span several lines, all others are one logical line.
 */

import type { SpecifierSet } from "@lockstep/pep440";
import type { Version } from "@lockstep/pep440";
import type { Requirement } from "@lockstep/pep508";

export interface CoreMetadata {
  /** As written, e.g. `2.1`. */
  metadataVersion: string;
  /** As written; canonicalize for comparisons. */
  name: string;
  version: Version;
  /** Field names, as written (2.2+, PEP 643). */
  dynamic: string[];
  platforms: string[];
  supportedPlatforms: string[];
  summary?: string | undefined;
  /** From the message body (2.1+) or the legacy `Description` header. */
  description?: string | undefined;
  descriptionContentType?: string | undefined;
  keywords?: string | undefined;
  homePage?: string | undefined;
  downloadUrl?: string | undefined;
  author?: string | undefined;
  authorEmail?: string | undefined;
  maintainer?: string | undefined;
  maintainerEmail?: string | undefined;
  license?: string | undefined;
  licenseExpression?: string | undefined;
  licenseFiles: string[];
  classifiers: string[];
  requiresDist: Requirement[];
  requiresPython?: SpecifierSet | undefined;
  requiresExternal: string[];
  /** `Label, https://…` as written. */
  projectUrls: string[];
  /** PEP 685 normalized. */
  providesExtra: string[];
  providesDist: string[];
  obsoletesDist: string[];
  /** Fields we do not model (1.1's `Requires`, tool-specific ones), with their header name as written. */
  otherFields: [string, string][];
}

type TextKey = {
  [K in keyof CoreMetadata]-?: CoreMetadata[K] extends string | undefined ? K : never;
}[keyof CoreMetadata];
type ListKey = {
  [K in keyof CoreMetadata]-?: CoreMetadata[K] extends string[] ? K : never;
}[keyof CoreMetadata];

export type FieldSpec =
  | { header: string; key: TextKey; multiple: false; multiline: boolean }
  | { header: string; key: ListKey; multiple: true; multiline: false }
  | { header: string; key: "version" | "requiresPython"; multiple: false; multiline: false }
  | { header: string; key: "requiresDist"; multiple: true; multiline: false };

const text = (header: string, key: TextKey, multiline = false): FieldSpec => ({
  header,
  key,
  multiple: false,
  multiline,
});
const list = (header: string, key: ListKey): FieldSpec => ({ header, key, multiple: true, multiline: false });

export const FIELDS: readonly FieldSpec[] = [
  text("Metadata-Version", "metadataVersion"),
  text("Name", "name"),
  { header: "Version", key: "version", multiple: false, multiline: false },
  list("Dynamic", "dynamic"),
  list("Platform", "platforms"),
  list("Supported-Platform", "supportedPlatforms"),
  text("Summary", "summary"),
  text("Description", "description", true),
  text("Description-Content-Type", "descriptionContentType"),
  text("Keywords", "keywords"),
  text("Home-page", "homePage"),
  text("Download-URL", "downloadUrl"),
  text("Author", "author"),
  text("Author-email", "authorEmail"),
  text("Maintainer", "maintainer"),
  text("Maintainer-email", "maintainerEmail"),
  text("License", "license", true),
  text("License-Expression", "licenseExpression"),
  list("License-File", "licenseFiles"),
  list("Classifier", "classifiers"),
  { header: "Requires-Dist", key: "requiresDist", multiple: true, multiline: false },
  { header: "Requires-Python", key: "requiresPython", multiple: false, multiline: false },
  list("Requires-External", "requiresExternal"),
  list("Project-URL", "projectUrls"),
  list("Provides-Extra", "providesExtra"),
  list("Provides-Dist", "providesDist"),
  list("Obsoletes-Dist", "obsoletesDist"),
];

export const FIELDS_BY_HEADER: ReadonlyMap<string, FieldSpec> = new Map(
  FIELDS.map((field) => [field.header.toLowerCase(), field]),
);

/** Fields a PEP 643 `Dynamic` entry may never name. */
export const NEVER_DYNAMIC = new Set(["name", "version", "metadata-version"]);
