/**
 * PEP 691 JSON simple pages (`application/vnd.pypi.simple.v1+json`), with PEP 700's `versions`,
 * `size` and `upload-time`, PEP 714's `core-metadata` (and the older `dist-info-metadata`).
 *
 * Pitfalls: `yanked` is a bool or a reason string; `core-metadata` is a bool or a hash map; URLs are
 * relative to the page; unknown keys must be ignored; a major api-version we do not know is an error.
 * A file entry that is not an object, or has no usable `filename`/`url` (null, a path, `..`), is
 * skipped with a warning; a null where an optional field belongs reads as the field being absent.
 */
import { LockstepError } from "@lockstep/errors";
import type { DistFile, ProjectPage } from "./dist-file";
import { splitUrl } from "./dist-file";
import type { Warn } from "./index-input";
import { acceptedHashes, checkFilename, reasonOf } from "./index-input";
import { skipLink } from "./simple-html";

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

function metadataValue(value: unknown, where: string, warn: Warn): DistFile["coreMetadata"] {
  if (value === undefined || value === false || value === null) return false;
  if (value === true) return { hashes: {} };
  return { hashes: acceptedHashes(value, `the metadata file of ${where}`, warn) };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

export function parseSimpleJson(
  text: string,
  pageUrl: string,
  name: string,
  warn: Warn = () => undefined,
): ProjectPage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new LockstepError(
      "index-json-invalid",
      `The index page ${pageUrl} is not valid JSON: ${reasonOf(cause)}`,
      { cause },
    );
  }
  if (!isObject(parsed)) {
    throw new LockstepError("index-json-invalid", `The index page ${pageUrl} is not a JSON object`);
  }
  const doc = parsed as { meta?: unknown; files?: unknown; versions?: unknown };
  const meta = isObject(doc.meta) ? doc.meta : {};
  const apiVersion = String(meta["api-version"] ?? "1.0");
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
  (doc.files as unknown[]).forEach((entry, i) => {
    const label = `files[${i}]`;
    if (!isObject(entry)) {
      skipLink(warn, pageUrl, label, `the entry is ${JSON.stringify(entry)}, not an object`);
      return;
    }
    const raw = entry as JsonFile;
    if (typeof raw.filename !== "string" || typeof raw.url !== "string") {
      skipLink(warn, pageUrl, label, `"filename" and "url" must be strings`);
      return;
    }
    let url: string;
    let filename: string;
    try {
      url = splitUrl(raw.url, pageUrl).url;
      filename = checkFilename(raw.filename);
    } catch (error) {
      skipLink(warn, pageUrl, raw.url, reasonOf(error));
      return;
    }
    const yanked = raw.yanked;
    files.push({
      filename,
      url,
      hashes: acceptedHashes(raw.hashes, url, warn),
      requiresPython:
        typeof raw["requires-python"] === "string" && raw["requires-python"]
          ? raw["requires-python"]
          : undefined,
      yanked: yanked === true ? { reason: "" } : typeof yanked === "string" ? { reason: yanked } : false,
      size: Number.isSafeInteger(raw.size) && (raw.size as number) >= 0 ? (raw.size as number) : undefined,
      uploadTime: typeof raw["upload-time"] === "string" ? raw["upload-time"] : undefined,
      coreMetadata: metadataValue(raw["core-metadata"] ?? raw["dist-info-metadata"], url, warn),
      source: pageUrl,
    });
  });
  const versions = Array.isArray(doc.versions)
    ? doc.versions.filter((v): v is string => typeof v === "string")
    : undefined;
  return { name, files, versions, url: pageUrl };
}
