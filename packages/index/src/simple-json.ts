/**
 * PEP 691 JSON simple pages (`application/vnd.pypi.simple.v1+json`), with PEP 700's `versions`,
 * `size` and `upload-time`, PEP 714's `core-metadata` (and the older `dist-info-metadata`).
 *
 * Pitfalls: `yanked` is a bool or a reason string; `core-metadata` is a bool or a hash map; URLs are
 * relative to the page; unknown keys must be ignored; a major api-version we do not know is an error.
 */
import { LockstepError } from "@lockstep/errors";
import type { DistFile, ProjectPage } from "./dist-file";
import { splitUrl } from "./dist-file";

interface JsonFile {
  filename?: unknown;
  url?: unknown;
  hashes?: unknown;
  "requires-python"?: unknown;
  yanked?: unknown;
  size?: unknown;
  "upload-time"?: unknown;
  "core-metadata"?: unknown;
  "dist-info-metadata"?: unknown;
}

function hashMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (typeof v === "string") out[k.toLowerCase()] = v.toLowerCase();
    }
  }
  return out;
}

function metadataValue(value: unknown): DistFile["coreMetadata"] {
  if (value === undefined || value === false || value === null) return false;
  if (value === true) return { hashes: {} };
  return { hashes: hashMap(value) };
}

export function parseSimpleJson(text: string, pageUrl: string, name: string): ProjectPage {
  let doc: { meta?: { "api-version"?: unknown }; files?: unknown; versions?: unknown };
  try {
    doc = JSON.parse(text) as typeof doc;
  } catch (cause) {
    throw new LockstepError("index-json-invalid", `The index page ${pageUrl} is not valid JSON`, { cause });
  }
  const apiVersion = String(doc.meta?.["api-version"] ?? "1.0");
  if (!apiVersion.startsWith("1.")) {
    throw new LockstepError(
      "index-api-version",
      `The index page ${pageUrl} uses simple API version ${apiVersion}, which lockstep does not support`,
      { hint: "lockstep reads version 1.x of the simple repository API (PEP 691)" },
    );
  }
  if (!Array.isArray(doc.files)) {
    throw new LockstepError("index-json-invalid", `The index page ${pageUrl} has no "files" array`);
  }
  const files: DistFile[] = [];
  for (const raw of doc.files as JsonFile[]) {
    if (typeof raw.filename !== "string" || typeof raw.url !== "string") continue;
    const { url } = splitUrl(raw.url, pageUrl);
    const yanked = raw.yanked;
    files.push({
      filename: raw.filename,
      url,
      hashes: hashMap(raw.hashes),
      requiresPython:
        typeof raw["requires-python"] === "string" && raw["requires-python"]
          ? raw["requires-python"]
          : undefined,
      yanked: yanked === true ? { reason: "" } : typeof yanked === "string" ? { reason: yanked } : false,
      size: typeof raw.size === "number" ? raw.size : undefined,
      uploadTime: typeof raw["upload-time"] === "string" ? raw["upload-time"] : undefined,
      coreMetadata: metadataValue(raw["core-metadata"] ?? raw["dist-info-metadata"]),
      source: pageUrl,
    });
  }
  const versions = Array.isArray(doc.versions)
    ? doc.versions.filter((v): v is string => typeof v === "string")
    : undefined;
  return { name, files, versions, url: pageUrl };
}
