/**
 * Installing one unpacked wheel into a scheme (binary distribution format 1.0, recording installed
 * projects, PEP 610 direct URLs, PEP 376 INSTALLER/REQUESTED).
 *
 * Root files go to purelib or platlib (`Root-Is-Purelib`), `<name>.data/<scheme>/…` to that scheme's
 * directory; files are linked from the unpacked cache, while what differs per venv is written:
 * `.data/scripts` files whose shebang is rewritten, console/gui launchers, INSTALLER, REQUESTED,
 * direct_url.json and RECORD (paths relative to the directory holding the `.dist-info`).
 *
 * Order, so that a process killed at any instant leaves something the next sync can repair: the
 * `.dist-info` directory is created first holding only the marker `LOCKSTEP_INCOMPLETE`, then the
 * complete RECORD (every path that will exist, computed before anything is placed), then the files,
 * then the rest of the `.dist-info`, and the marker is removed last. A `.dist-info` with the marker
 * or without RECORD is therefore "incomplete", and removing exactly what its RECORD lists (see
 * `uninstall.ts`) undoes any prefix of the install.
 *
 * RECORD and every other file written into the `.dist-info` (INSTALLER, REQUESTED, direct_url.json)
 * go to a temporary name in the same directory and are renamed, so a kill leaves either the whole
 * file or none (a leftover temporary is removed with the `.dist-info` by the repair). With hardlinks
 * and `generated`, they (and launchers) are instead hardlinks of cached copies (`install-blobs.ts`):
 * as atomic, and far cheaper than creating files.
 *
 * Every destination goes through `SafeRoot` (safe-path.ts): root files and the `.dist-info` stay in
 * purelib/platlib, `.data/<scheme>/…` in that scheme's directory, launchers in the scripts directory
 * (their names are checked to be one safe path component); a RECORD in the cache that was tampered
 * with after unpacking is refused the same way.
 *
 * Pitfalls: hashes of linked files come from the wheel's RECORD (checked when it was unpacked) and
 * are not recomputed; rewritten scripts and generated files are hashed as written; an existing file
 * at a destination is unlinked, never written through (see `install-link.ts`).
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
  chmodSync,
} from "node:fs";
import { join, relative, sep } from "node:path";
import { LockstepError } from "@lockstep/errors";
import { canonicalizeName } from "@lockstep/pep508";
import type { GeneratedFiles } from "./install-blobs";
import { currentUmask } from "./install-unpack";
import { newLinkStats, placeFile, unlinkIfExists } from "./install-link";
import type { LinkMode, LinkStats } from "./install-link";
import { formatRecord, isRecordFile, parseRecord, recordHash } from "./record";
import { SafeRoot } from "./safe-path";
import type { RecordEntry } from "./record";
import { isEntryPointWrapper, launcherScript, rewriteScriptShebang, scriptEntryPoints } from "./scripts";
import type { ScriptEntryPoints, ScriptPlatform } from "./scripts";

/** Where each kind of file goes (absolute directories). */
export interface WheelScheme {
  purelib: string;
  platlib: string;
  scripts: string;
  /** This distribution's header directory, e.g. `<venv>/include/site/python3.12/<name>`. */
  headers: string;
  data: string;
}

/** PEP 610 `direct_url.json`. */
export interface DirectUrl {
  url: string;
  archive_info?: { hash?: string; hashes?: Record<string, string> };
  dir_info?: { editable?: boolean };
  vcs_info?: { vcs: string; commit_id: string; requested_revision?: string };
  subdirectory?: string;
}

export interface InstallOptions {
  /** The interpreter written into shebangs (the venv's `bin/python`). */
  python: string;
  linkMode?: LinkMode;
  /** Write REQUESTED (a direct dependency of the project). */
  requested?: boolean;
  directUrl?: DirectUrl | undefined;
  /** INSTALLER contents (one line). Default `lockstep`. */
  installer?: string;
  /**
   * The archive this install came from (`sha256` of the wheel file), written as `lockstep-wheel.json`
   * in the `.dist-info` so that `lockstep verify` can compare it with the lock later.
   */
  wheel?: { filename: string; sha256: string } | undefined;
  platform?: ScriptPlatform;
  /**
   * Where generated files (RECORD, INSTALLER, launchers, …) are kept as content-addressed copies to
   * hardlink (`install-blobs.ts`); used with `linkMode: "hardlink"` only. Without it they are written.
   */
  generated?: GeneratedFiles | undefined;
  /** Counters shared across installs (EXDEV fallback is remembered there). */
  stats?: LinkStats;
  /** Called after every file-system change (tests use it to kill the process at each step). */
  onFileOperation?: () => void;
}

export interface InstalledWheel {
  /** Canonical name. */
  name: string;
  version: string;
  /** Absolute path of the installed `.dist-info`. */
  distInfo: string;
  record: RecordEntry[];
}

/** lockstep's record of the wheel file an install came from: `{"filename": …, "sha256": …}`. */
export const WHEEL_ORIGIN_FILE = "lockstep-wheel.json";

/** Present in a `.dist-info` while it is being installed or removed. */
export const INCOMPLETE_MARKER = "LOCKSTEP_INCOMPLETE";

export class WheelInstallError extends LockstepError {}

/** The one `*.dist-info` directory at the root of an unpacked wheel. */
export function unpackedDistInfo(unpackedDir: string): string {
  const found = readdirSync(unpackedDir).filter((n) => n.endsWith(".dist-info"));
  if (found.length !== 1) {
    throw new WheelInstallError(
      "wheel-dist-info-missing",
      `${unpackedDir} holds ${found.length} .dist-info directories, expected one`,
    );
  }
  return found[0]!;
}

/** Split `name-version.dist-info` (escaped per the wheel spec) into canonical name and version. */
export function splitDistInfoName(dir: string): { name: string; version: string } | undefined {
  const stem = dir.replace(/\.dist-info$/, "");
  const dash = stem.indexOf("-");
  if (dash <= 0 || dash === stem.length - 1) return undefined;
  return { name: canonicalizeName(stem.slice(0, dash)), version: stem.slice(dash + 1) };
}

function wheelField(text: string, field: string): string | undefined {
  const m = new RegExp(`^${field}:[ \\t]*(.*?)[ \\t]*$`, "mi").exec(text);
  return m?.[1];
}

/** JSON with sorted keys (as pip writes direct_url.json). */
function sortedJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

type Step =
  | { kind: "link"; root: SafeRoot; src: string; dest: string }
  | { kind: "write"; root: SafeRoot; dest: string; data: Uint8Array | string; executable: boolean };

/**
 * Write `data` to `path` through a temporary name in the same directory and a rename: readers (and
 * a process killed meanwhile) see the old file, no file, or the whole new one, never a prefix.
 */
export function writeFileAtomic(path: string, data: Uint8Array | string, mode: number): void {
  const tmp = `${path}.${process.pid}.lockstep-tmp`;
  writeFileSync(tmp, data, { mode });
  renameSync(tmp, path);
}

/** Install the wheel unpacked at `unpackedDir` into `scheme`. */
export function installUnpacked(
  unpackedDir: string,
  scheme: WheelScheme,
  opts: InstallOptions,
): InstalledWheel {
  const infoName = unpackedDistInfo(unpackedDir);
  const parsed = splitDistInfoName(infoName);
  if (!parsed)
    throw new WheelInstallError("wheel-dist-info-name", `Cannot read a name and version from ${infoName}`);
  const srcInfo = join(unpackedDir, infoName);
  const wheelText = readFileSync(join(srcInfo, "WHEEL"), "utf8");
  const wheelVersion = wheelField(wheelText, "Wheel-Version") ?? "";
  if (!/^1(\.\d+)?$/.test(wheelVersion)) {
    throw new WheelInstallError(
      "wheel-version-unsupported",
      `${infoName}/WHEEL has Wheel-Version ${JSON.stringify(wheelVersion)}; only 1.x is supported`,
    );
  }
  const rootLib =
    (wheelField(wheelText, "Root-Is-Purelib") ?? "").toLowerCase() === "true"
      ? scheme.purelib
      : scheme.platlib;
  const rows = parseRecord(readFileSync(join(srcInfo, "RECORD"), "utf8"), `${infoName}/RECORD`);
  const epPath = join(srcInfo, "entry_points.txt");
  const eps: ScriptEntryPoints = existsSync(epPath)
    ? scriptEntryPoints(readFileSync(epPath, "utf8"), `${infoName}/entry_points.txt`)
    : { console: [], gui: [] };
  const srcRoot = new SafeRoot(unpackedDir, "the unpacked wheel");
  const libRoot = new SafeRoot(rootLib, rootLib === scheme.purelib ? "purelib" : "platlib");
  const schemeRoots = new Map<string, SafeRoot>();
  const schemeRoot = (key: keyof WheelScheme): SafeRoot => {
    let root = schemeRoots.get(key);
    if (!root) {
      root = new SafeRoot(scheme[key], `the ${key} directory`);
      schemeRoots.set(key, root);
    }
    return root;
  };
  const dataPrefix = `${infoName.slice(0, -".dist-info".length)}.data/`;
  const infoPrefix = `${infoName}/`;
  const toRecordPath = (dest: string) => relative(rootLib, dest).split(sep).join("/");
  const platform = opts.platform ?? "posix";

  // Everything is computed before the first write: a wheel that cannot be installed changes nothing.
  const files: Step[] = [];
  const infoFiles: Step[] = [];
  const record: RecordEntry[] = [];
  for (const row of rows) {
    if (isRecordFile(row.path, infoName)) continue;
    const what = `${infoName}/RECORD: ${row.path}`;
    const src = srcRoot.join(row.path, what);
    if (row.path.startsWith(infoPrefix)) {
      const name = row.path.slice(infoPrefix.length);
      if (
        name === "INSTALLER" ||
        name === "REQUESTED" ||
        name === "direct_url.json" ||
        name === WHEEL_ORIGIN_FILE ||
        name === INCOMPLETE_MARKER
      )
        continue;
      infoFiles.push({ kind: "link", root: libRoot, src, dest: libRoot.join(row.path, what) });
      record.push({ ...row });
      continue;
    }
    let dest: string;
    let root = libRoot;
    if (row.path.startsWith(dataPrefix)) {
      const rest = row.path.slice(dataPrefix.length);
      const slash = rest.indexOf("/");
      const key = rest.slice(0, slash) as keyof WheelScheme;
      const target = scheme[key];
      if (slash < 0 || target === undefined) {
        throw new WheelInstallError(
          "wheel-data-scheme",
          `${row.path}: unknown .data scheme ${JSON.stringify(rest.slice(0, slash))}`,
        );
      }
      const inner = rest.slice(slash + 1);
      root = schemeRoot(key);
      dest = root.join(inner, what);
      if (key === "scripts") {
        if (isEntryPointWrapper(inner, eps)) continue;
        const data = readFileSync(src);
        const rewritten = rewriteScriptShebang(data, opts.python);
        if (rewritten) {
          files.push({ kind: "write", root, dest, data: rewritten, executable: true });
          record.push({ path: toRecordPath(dest), hash: recordHash(rewritten), size: rewritten.length });
          continue;
        }
      }
    } else {
      dest = libRoot.join(row.path, what);
    }
    files.push({ kind: "link", root, src, dest });
    // A root file's RECORD path is its name in the wheel (dest is that name under rootLib).
    record.push({ path: root === libRoot ? row.path : toRecordPath(dest), hash: row.hash, size: row.size });
  }
  // Console and gui launchers are identical on POSIX; Windows (pythonw, .exe) is refused by launcherScript.
  for (const ep of [...eps.console, ...eps.gui]) {
    const data = launcherScript(ep, opts.python, platform);
    const dest = schemeRoot("scripts").join(ep.name, `${infoName}/entry_points.txt: script ${ep.name}`);
    files.push({ kind: "write", root: schemeRoot("scripts"), dest, data, executable: true });
    record.push({ path: toRecordPath(dest), hash: recordHash(data), size: Buffer.byteLength(data) });
  }
  const distInfo = libRoot.join(infoName, `${infoName}`);
  const generated: Array<[string, string]> = [["INSTALLER", `${opts.installer ?? "lockstep"}\n`]];
  if (opts.requested) generated.push(["REQUESTED", ""]);
  if (opts.directUrl) generated.push(["direct_url.json", sortedJson(opts.directUrl)]);
  if (opts.wheel) generated.push([WHEEL_ORIGIN_FILE, sortedJson(opts.wheel)]);
  for (const [name, data] of generated) {
    infoFiles.push({ kind: "write", root: libRoot, dest: join(distInfo, name), data, executable: false });
    record.push({ path: `${infoName}/${name}`, hash: recordHash(data), size: Buffer.byteLength(data) });
  }
  record.push({ path: `${infoName}/RECORD`, hash: "", size: undefined });

  if (existsSync(distInfo)) {
    throw new WheelInstallError("wheel-already-installed", `${distInfo} already exists`, {
      hint: "uninstall the installed distribution first",
    });
  }
  const tick = opts.onFileOperation ?? (() => {});
  const stats = opts.stats ?? newLinkStats();
  const mode = opts.linkMode ?? "hardlink";
  const fileMode = 0o666 & ~currentUmask();
  const execMode = (0o777 & ~currentUmask()) | 0o111;
  // Generated files are hardlinks of cached copies when the package files are hardlinks too.
  const store = mode === "hardlink" ? opts.generated : undefined;
  const linked = (dest: string, data: Uint8Array | string, executable: boolean, replace: boolean) =>
    store?.place(dest, data, executable ? execMode : fileMode, executable, replace) ?? false;
  const run = (step: Step) => {
    step.root.ensureParent(step.dest, step.dest);
    if (step.kind === "link") {
      placeFile(step.src, step.dest, mode, stats);
    } else if (linked(step.dest, step.data, step.executable, true)) {
      // placed as a link of its cached copy
    } else if (step.dest.startsWith(distInfo + sep)) {
      writeFileAtomic(step.dest, step.data, fileMode);
    } else {
      unlinkIfExists(step.dest);
      writeFileSync(step.dest, step.data, { mode: step.executable ? execMode : fileMode });
      // The umask applies at creation; pip's scripts are executable whatever the umask says.
      if (step.executable) chmodSync(step.dest, execMode);
    }
    tick();
  };

  libRoot.ensureParent(distInfo, infoName);
  mkdirSync(distInfo);
  tick();
  if (!linked(join(distInfo, INCOMPLETE_MARKER), "", false, false))
    writeFileSync(join(distInfo, INCOMPLETE_MARKER), "", { flag: "wx" });
  tick();
  // A link is atomic like the rename: a kill leaves the whole RECORD or none.
  const recordText = formatRecord(record);
  if (!linked(join(distInfo, "RECORD"), recordText, false, true))
    writeFileAtomic(join(distInfo, "RECORD"), recordText, fileMode);
  tick();
  for (const step of files) run(step);
  for (const step of infoFiles) run(step);
  unlinkSync(join(distInfo, INCOMPLETE_MARKER));
  tick();
  return { name: parsed.name, version: parsed.version, distInfo, record };
}
