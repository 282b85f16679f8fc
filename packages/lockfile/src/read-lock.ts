/**
 * `readLock`: `pylock.toml` text → `Lock`, validated against PEP 751 (lock-version 1.x).
 *
 * Reads what other tools write too: pip's `pip lock` (`[[packages.wheels]]` sub-tables, no
 * `dependencies`), uv's `uv export --format pylock.toml` (inline `wheels = [...]`, `sdist = {...}`).
 * Every problem is collected and thrown once as `InvalidLockError`, each with the line of the key.
 * Pitfalls: an unsupported *major* lock-version means the rest cannot be understood, so it is the only
 * problem reported; a newer minor version is read; wheel `name` is optional (derived from `url` or
 * `path`); `upload-time` is a TOML datetime (a string is tolerated); unknown keys and `[tool.*]`
 * tables of other tools are ignored, as the specification asks.
 */
import { FileError, FileProblems } from "@lockstep/errors";
import { SpecifierSet, Version } from "@lockstep/pep440";
import { Marker, canonicalizeName, isValidName } from "@lockstep/pep508";
import { SdistFilename, WheelFilename, hashDigestProblem, unsafeFilenameChar } from "@lockstep/wheel";
import { TomlDate, TomlError, parse } from "smol-toml";
import { InvalidLockError } from "./errors";
import { NO_LINES, tomlLines } from "./line-locator";
import type { LineLocator } from "./line-locator";
import type { Lock, LockDependency, LockFile, LockPackage, LockSource } from "./lock";
import { isTable } from "./toml-table";
import type { Table } from "./toml-table";
import { readLockstepTool } from "./read-tool";
import { canonicalInstant } from "./toml-writer";
import { validateLockReferences } from "./validate-lock";

/** The first line of a parse error's message (without the underline). */
function reason(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0] as string;
}

interface Ctx {
  problems: FileProblems;
  loc: LineLocator;
}

function stringList(ctx: Ctx, raw: Table, key: string): string[] {
  const v = raw[key];
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) {
    ctx.problems.add(ctx.loc.top(key), `\`${key}\` must be an array of strings`);
    return [];
  }
  return v as string[];
}

function optString(
  ctx: Ctx,
  raw: Table,
  key: string,
  line: number | undefined,
  what: string,
): string | undefined {
  const v = raw[key];
  if (v === undefined || typeof v === "string") return v;
  ctx.problems.add(line, `${what ? `${what}: ` : ""}\`${key}\` must be a string`);
  return undefined;
}

function parseMarker(ctx: Ctx, text: string, line: number | undefined, what: string): Marker {
  try {
    return Marker.parse(text);
  } catch (e) {
    ctx.problems.add(line, `${what}: invalid marker \`${text}\`: ${reason(e)}`);
    return Marker.TRUE;
  }
}

function parseSpecifiers(
  ctx: Ctx,
  text: string | undefined,
  line: number | undefined,
  what: string,
): SpecifierSet | undefined {
  if (text === undefined) return undefined;
  try {
    return SpecifierSet.parse(text);
  } catch (e) {
    ctx.problems.add(line, `${what ? `${what}: ` : ""}invalid \`requires-python\` \`${text}\`: ${reason(e)}`);
    return undefined;
  }
}

function parseVersion(
  ctx: Ctx,
  text: string | undefined,
  line: number | undefined,
  what: string,
): Version | undefined {
  if (text === undefined) return undefined;
  const v = Version.tryParse(text);
  if (!v) ctx.problems.add(line, `${what}: \`${text}\` is not a valid PEP 440 version`);
  return v;
}

/**
 * A file's hashes: each must be hex of its algorithm's length (a digest names a cache path, so
 * `../../x` is a problem, not a value to clean up); at least one is required.
 */
function hashesOf(ctx: Ctx, v: unknown, line: number | undefined, what: string): Record<string, string> {
  const out: Record<string, string> = {};
  let refused = false;
  if (isTable(v))
    for (const [k, x] of Object.entries(v)) {
      const problem = hashDigestProblem(k, x);
      if (problem) {
        refused = true;
        ctx.problems.add(line, `${what}: ${problem}`);
      } else out[k.toLowerCase()] = (x as string).toLowerCase();
    }
  if (Object.keys(out).length === 0 && !refused) ctx.problems.add(line, `${what} has no \`hashes\``);
  return out;
}

function instantOf(v: unknown): string | undefined {
  if (v instanceof TomlDate || v instanceof Date) return canonicalInstant(v);
  return typeof v === "string" ? canonicalInstant(v) : undefined;
}

/**
 * The file name a `url` (its last segment, percent-decoded) or a `path` (its last segment, as
 * written) gives; a malformed percent-escape is a problem, not an exception.
 */
function lastSegment(
  s: string | undefined,
  decode: boolean,
): { name: string } | { problem: string } | undefined {
  if (!s) return undefined;
  const clean = decode ? (s.split(/[?#]/)[0] as string) : s;
  const raw = clean.slice(clean.lastIndexOf("/") + 1);
  if (!raw) return undefined;
  if (!decode) return { name: raw };
  try {
    return { name: decodeURIComponent(raw) };
  } catch {
    return { problem: `the file name in \`url\` ${JSON.stringify(s)} has a malformed percent-escape` };
  }
}

/**
 * Why `name` cannot be this kind of file's name, if it cannot. The name becomes a path in the cache,
 * so it must be one path component: wheels by the strict wheel grammar, `.tar.gz`/`.zip` sdists by
 * the sdist grammar, older sdist formats (`.tar.bz2`, `.tgz` from find-links) at least one plain
 * component.
 */
function fileNameProblem(kind: "sdist" | "wheel", name: string): string | undefined {
  try {
    if (kind === "wheel") WheelFilename.parse(name);
    else if (name.endsWith(".tar.gz") || name.endsWith(".zip")) SdistFilename.parse(name);
    else {
      const unsafe = unsafeFilenameChar(name);
      if (unsafe) return `the file name ${JSON.stringify(name)} contains ${unsafe.what}`;
      if (name.startsWith(".")) return `the file name ${JSON.stringify(name)} starts with a dot`;
    }
    return undefined;
  } catch (e) {
    return reason(e);
  }
}

function readFile(
  ctx: Ctx,
  raw: unknown,
  line: number | undefined,
  kind: "sdist" | "wheel",
  owner: string,
): LockFile | undefined {
  if (!isTable(raw)) {
    ctx.problems.add(
      line,
      `package \`${owner}\`: \`${kind === "wheel" ? "wheels" : "sdist"}\` must be a table`,
    );
    return undefined;
  }
  const url = typeof raw.url === "string" ? raw.url : undefined;
  const path = typeof raw.path === "string" ? raw.path : undefined;
  const derived =
    typeof raw.name === "string"
      ? { name: raw.name }
      : (lastSegment(url, true) ?? lastSegment(path, false) ?? { name: `(unnamed ${kind})` });
  const name = "name" in derived ? derived.name : `(unnamed ${kind})`;
  const what = `package \`${owner}\`: ${kind} \`${name}\``;
  if (url === undefined && path === undefined)
    ctx.problems.add(line, `${what} has neither \`url\` nor \`path\``);
  else {
    const problem = "problem" in derived ? derived.problem : fileNameProblem(kind, name);
    if (problem) ctx.problems.add(line, `${what}: ${problem}`);
  }
  const hashes = hashesOf(ctx, raw.hashes, line, what);
  const size = typeof raw.size === "number" && Number.isSafeInteger(raw.size) ? raw.size : undefined;
  return { name, url, path, uploadTime: instantOf(raw["upload-time"]), size, hashes };
}

const SOURCE_KEYS = ["vcs", "directory", "archive", "sdist", "wheels"] as const;

function readSource(ctx: Ctx, raw: Table, i: number, owner: string): LockSource | undefined {
  const present = SOURCE_KEYS.filter((k) => raw[k] !== undefined);
  const kinds = [...new Set(present.map((k) => (k === "sdist" || k === "wheels" ? "sdist`/`wheels" : k)))];
  if (kinds.length === 0) {
    ctx.problems.add(
      ctx.loc.packageLine(i),
      `package \`${owner}\` has no source: it needs one of \`vcs\`, \`directory\`, \`archive\`, or \`sdist\`/\`wheels\``,
    );
    return undefined;
  }
  if (kinds.length > 1) {
    const lines = present.map((k) => ctx.loc.packageKey(i, k) ?? 0);
    ctx.problems.add(
      Math.max(...lines) || undefined,
      `package \`${owner}\` has more than one source (${kinds.map((k) => `\`${k}\``).join(", ")}); a package has exactly one of \`vcs\`, \`directory\`, \`archive\`, or \`sdist\`/\`wheels\``,
    );
    return undefined;
  }
  const kind = kinds[0] as string;
  const line = ctx.loc.packageKey(i, present[0] as string);
  if (kind === "sdist`/`wheels") {
    const sdist =
      raw.sdist === undefined
        ? undefined
        : readFile(ctx, raw.sdist, ctx.loc.packageKey(i, "sdist"), "sdist", owner);
    const wheels: LockFile[] = [];
    if (raw.wheels !== undefined && !Array.isArray(raw.wheels)) {
      ctx.problems.add(
        ctx.loc.packageKey(i, "wheels"),
        `package \`${owner}\`: \`wheels\` must be an array of tables`,
      );
    } else {
      (raw.wheels ?? []).forEach((w: unknown, j: number) => {
        const name = isTable(w)
          ? [w.name, w.url, w.path].find((x): x is string => typeof x === "string")
          : undefined;
        const wline =
          ctx.loc.wheelLine(i, j) ??
          (name ? ctx.loc.find(i, name, "wheels") : undefined) ??
          ctx.loc.packageKey(i, "wheels");
        const file = readFile(ctx, w, wline, "wheel", owner);
        if (file) wheels.push(file);
      });
    }
    return { kind: "files", sdist, wheels };
  }
  const t = raw[kind];
  if (!isTable(t)) {
    ctx.problems.add(line, `package \`${owner}\`: \`${kind}\` must be a table`);
    return undefined;
  }
  const str = (k: string) => (typeof t[k] === "string" ? (t[k] as string) : undefined);
  if (kind === "directory") {
    const path = str("path");
    if (path === undefined) ctx.problems.add(line, `package \`${owner}\`: \`directory\` has no \`path\``);
    return {
      kind: "directory",
      path: path ?? "",
      editable: t.editable === true,
      subdirectory: str("subdirectory"),
    };
  }
  if (kind === "archive") {
    const what = `package \`${owner}\`: archive`;
    if (str("url") === undefined && str("path") === undefined)
      ctx.problems.add(line, `${what} has neither \`url\` nor \`path\``);
    const size = typeof t.size === "number" ? t.size : undefined;
    const hashes = hashesOf(ctx, t.hashes, line, what);
    return {
      kind: "archive",
      url: str("url"),
      path: str("path"),
      size,
      uploadTime: instantOf(t["upload-time"]),
      hashes,
      subdirectory: str("subdirectory"),
    };
  }
  const what = `package \`${owner}\`: vcs`;
  if (str("type") === undefined) ctx.problems.add(line, `${what} has no \`type\``);
  if (str("url") === undefined && str("path") === undefined)
    ctx.problems.add(line, `${what} has neither \`url\` nor \`path\``);
  if (str("commit-id") === undefined) ctx.problems.add(line, `${what} has no \`commit-id\``);
  return {
    kind: "vcs",
    type: str("type") ?? "",
    url: str("url"),
    path: str("path"),
    requestedRevision: str("requested-revision"),
    commitId: str("commit-id") ?? "",
    subdirectory: str("subdirectory"),
  };
}

function readDependencies(ctx: Ctx, raw: unknown, i: number, owner: string): LockDependency[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    ctx.problems.add(
      ctx.loc.packageKey(i, "dependencies"),
      `package \`${owner}\`: \`dependencies\` must be an array of tables`,
    );
    return [];
  }
  const out: LockDependency[] = [];
  for (const d of raw as unknown[]) {
    if (!isTable(d) || typeof d.name !== "string") {
      ctx.problems.add(
        ctx.loc.packageKey(i, "dependencies"),
        `package \`${owner}\`: each dependency must be a table with a \`name\``,
      );
      continue;
    }
    const line = ctx.loc.find(i, `"${d.name}"`, "dependencies") ?? ctx.loc.packageKey(i, "dependencies");
    const version =
      typeof d.version === "string"
        ? parseVersion(ctx, d.version, line, `package \`${owner}\`: dependency \`${d.name}\``)
        : undefined;
    const what = `package \`${owner}\`: dependency \`${d.name}\``;
    const dep: LockDependency = { name: canonicalizeName(d.name), version };
    // Keys that single out one of several entries of one name and version (PEP 751: key by key).
    if (typeof d.index === "string") dep.index = d.index;
    if (typeof d.marker === "string") dep.marker = parseMarker(ctx, d.marker, line, what);
    out.push(dep);
  }
  return out;
}

function readPackage(ctx: Ctx, raw: unknown, i: number): LockPackage | undefined {
  const header = ctx.loc.packageLine(i);
  if (!isTable(raw)) {
    ctx.problems.add(header, "each entry of `packages` must be a table");
    return undefined;
  }
  if (typeof raw.name !== "string" || !isValidName(raw.name)) {
    const got = typeof raw.name === "string" ? ` (\`${raw.name}\` is not a valid name)` : "";
    ctx.problems.add(ctx.loc.packageKey(i, "name"), `package #${i + 1} has no valid \`name\`${got}`);
    return undefined;
  }
  const name = canonicalizeName(raw.name);
  const at = (key: string) => ctx.loc.packageKey(i, key);
  const versionText = optString(ctx, raw, "version", at("version"), `package \`${name}\``);
  const version = parseVersion(ctx, versionText, at("version"), `package \`${name}\``);
  const owner = versionText === undefined ? name : `${name} ${versionText}`;
  const markerText = optString(ctx, raw, "marker", at("marker"), `package \`${owner}\``);
  const marker =
    markerText === undefined
      ? Marker.TRUE
      : parseMarker(ctx, markerText, at("marker"), `package \`${owner}\``);
  const rp = optString(ctx, raw, "requires-python", at("requires-python"), `package \`${owner}\``);
  const requiresPython = parseSpecifiers(ctx, rp, at("requires-python"), `package \`${owner}\``);
  const dependencies = readDependencies(ctx, raw.dependencies, i, owner);
  const index = optString(ctx, raw, "index", at("index"), `package \`${owner}\``);
  const source = readSource(ctx, raw, i, owner);
  if (source?.kind === "files" && versionText === undefined) {
    ctx.problems.add(
      header,
      `package \`${name}\` has no \`version\`, which is required for a package installed from an sdist or wheels`,
    );
  }
  if (!source) return undefined;
  return { name, version, marker, requiresPython, dependencies, index, source };
}

/** Parse and validate a lock file; throws `InvalidLockError` listing every problem. */
export function readLock(text: string, path = "pylock.toml"): Lock {
  let raw: Table;
  try {
    raw = parse(text) as Table;
  } catch (e) {
    if (e instanceof TomlError) {
      const message = (e.message.split("\n")[0] as string).replace(/^Invalid TOML document: /, "");
      throw new InvalidLockError(path, [
        new FileError("lock-toml", path, { line: e.line, column: e.column }, `invalid TOML: ${message}`),
      ]);
    }
    throw e;
  }
  // Lines are only needed for problems: a valid lock never pays for locating them.
  try {
    return validateLock(raw, path, NO_LINES);
  } catch (e) {
    if (!(e instanceof InvalidLockError)) throw e;
    return validateLock(raw, path, tomlLines(text, path));
  }
}

function validateLock(raw: Table, path: string, loc: LineLocator): Lock {
  const problems = new FileProblems(path, "lock-invalid");
  const ctx: Ctx = { problems, loc };
  const lockVersion = raw["lock-version"];
  if (lockVersion === undefined) problems.add(undefined, 'missing `lock-version` (expected "1.0")');
  else if (typeof lockVersion !== "string")
    problems.add(loc.top("lock-version"), "`lock-version` must be a string");
  else if (lockVersion.split(".")[0] !== "1") {
    problems.add(
      loc.top("lock-version"),
      `lock-version "${lockVersion}" is not supported: lockstep reads version 1 lock files`,
    );
    throw new InvalidLockError(path, problems.list);
  }
  const createdBy = raw["created-by"];
  if (typeof createdBy !== "string")
    problems.add(loc.top("created-by"), "missing `created-by` (the tool that wrote the lock)");
  const environments = stringList(ctx, raw, "environments").map((e) =>
    parseMarker(ctx, e, loc.top("environments"), "`environments`"),
  );
  const rp = optString(ctx, raw, "requires-python", loc.top("requires-python"), "");
  const requiresPython = parseSpecifiers(ctx, rp, loc.top("requires-python"), "");
  const extras = stringList(ctx, raw, "extras").map(canonicalizeName);
  const dependencyGroups = stringList(ctx, raw, "dependency-groups").map(canonicalizeName);
  const defaultGroups = stringList(ctx, raw, "default-groups").map(canonicalizeName);
  const packagesRaw = raw.packages;
  const packages: LockPackage[] = [];
  const origin: number[] = [];
  if (!Array.isArray(packagesRaw))
    problems.add(loc.top("packages"), "missing `packages` (an array of tables)");
  else
    packagesRaw.forEach((p: unknown, i: number) => {
      const pkg = readPackage(ctx, p, i);
      if (pkg) {
        packages.push(pkg);
        origin.push(i);
      }
    });
  validateLockReferences(packages, (k) => origin[k] as number, loc, problems);
  const lockstep = readLockstepTool(raw.tool, problems, loc);
  if (problems.list.length > 0) throw new InvalidLockError(path, problems.list);
  return {
    lockVersion: lockVersion as string,
    environments,
    requiresPython,
    extras,
    dependencyGroups,
    defaultGroups,
    createdBy: createdBy as string,
    packages,
    lockstep,
  };
}
