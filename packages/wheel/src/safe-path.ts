/**
 * The one gate every install, unpack and uninstall write goes through: a destination is only used
 * when it stays inside its root, both lexically (after normalisation) and on disk (no symlinked
 * directory on the way that leads out of the root).
 *
 * Names that become paths come from untrusted archives: zip entry names, RECORD rows, `.data/<scheme>`
 * paths, console/gui script names. A relative name is refused outright when it is absolute, holds
 * `..`, `.` or an empty component, a backslash, a drive letter or a NUL byte; nothing is decoded
 * (`%2F` is three ordinary characters).
 *
 * Pitfalls: `path.join` normalises `a/../../x` silently, so names are checked component by component
 * before joining; `mkdir -p` follows symlinks, so the nearest existing ancestor of a directory is
 * resolved (realpath) and checked *before* anything is created below it; the root itself may sit
 * behind a symlink (`/tmp` on macOS, `lib64 -> lib` in a venv), so it is compared by its own
 * realpath; checked directories are remembered (a directory is checked once when an install is
 * planned and once more right before it is created), which keeps the cost per directory, not per file.
 */
import { existsSync, mkdirSync, realpathSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { LockstepError } from "@lockstep/errors";

export class PathEscapeError extends LockstepError {
  constructor(message: string, hint?: string) {
    super("wheel-path-escape", message, hint === undefined ? {} : { hint });
  }
}

/** Why a `/`-separated relative path from an archive must not be used, or undefined when it is safe. */
export function unsafePathReason(path: string): string | undefined {
  if (path === "") return "is empty";
  if (path.includes("\0")) return "contains a NUL byte";
  if (path.includes("\\")) return "contains a backslash";
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path)) return "is absolute";
  const parts = path.split("/");
  if (parts.some((s) => s === "..")) return "escapes the target directory (..)";
  // A trailing "/" (a directory entry) is allowed; "a//b" and "./a" are not normal forms.
  if (parts.slice(0, -1).some((s) => s === "" || s === ".") || parts.at(-1) === ".")
    return "has an empty or '.' component";
  return undefined;
}

/** True when `path` is `dir` or below it (both absolute, normalised). */
export function isWithin(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

/** A directory that writes are confined to. */
export class SafeRoot {
  readonly root: string;
  private realRoot: string | undefined;
  /** Directories whose on-disk check passed (when planning). */
  private readonly verified = new Set<string>();
  /** Existing directories whose real path was found inside the real root (resolved once each). */
  private readonly realInside = new Set<string>();
  /** Directories found absent while planning (forgotten as soon as this root creates one). */
  private readonly missing = new Set<string>();
  /** Directories checked again and created right before a write. */
  private readonly made = new Set<string>();

  /** `label` names the root in errors ("site-packages", "the wheel cache"…). */
  constructor(
    root: string,
    readonly label: string = root,
  ) {
    this.root = resolve(root);
  }

  /** `relative` (a `/`-separated name from an archive) joined to the root; throws when unsafe. */
  join(relativePath: string, what: string): string {
    const reason = unsafePathReason(relativePath);
    if (reason) throw new PathEscapeError(`${what}: the path ${JSON.stringify(relativePath)} ${reason}`);
    if (sep !== "/") return this.contain(resolve(this.root, relativePath), what);
    // A safe name has no `..`, `.` or empty component and is relative: appended to the (resolved)
    // root it is already normal and inside it, so only the on-disk check is left.
    const name = relativePath.endsWith("/") ? relativePath.slice(0, -1) : relativePath;
    const abs = this.root.endsWith("/") ? this.root + name : `${this.root}/${name}`;
    this.checkDir(abs, what);
    return abs;
  }

  /**
   * `path` itself when it lies inside the root lexically and its nearest existing ancestor directory
   * resolves inside the root's real location; throws PathEscapeError otherwise.
   */
  contain(path: string, what: string): string {
    const abs = resolve(path);
    if (abs === this.root || !isWithin(abs, this.root)) {
      throw new PathEscapeError(`${what}: ${JSON.stringify(abs)} is outside ${this.label} (${this.root})`);
    }
    this.checkDir(abs, what);
    return abs;
  }

  private checkDir(abs: string, what: string): void {
    const dir = dirname(abs);
    if (!this.verified.has(dir)) {
      this.checkOnDisk(dir, what);
      this.verified.add(dir);
    }
  }

  /**
   * Create the parent directory of `path` (already contained) without leaving the root: checked
   * again on disk right before it is created, once per directory. A directory whose own parent this
   * root made is created with one `mkdir`: when that succeeds the directory is new (nothing in it
   * can lead out); only when it already exists is it checked on disk.
   */
  ensureParent(path: string, what: string): void {
    const dir = dirname(path);
    if (this.made.has(dir)) return;
    if (this.made.has(dirname(dir))) {
      try {
        this.missing.clear();
        mkdirSync(dir);
        this.made.add(dir);
        this.verified.add(dir);
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
    }
    this.checkOnDisk(dir, what, true);
    this.missing.clear();
    mkdirSync(dir, { recursive: true });
    this.made.add(dir);
    this.verified.add(dir);
  }

  /** `again`: right before a write, so nothing remembered from planning counts. */
  private checkOnDisk(dir: string, what: string, again = false): void {
    let existing = dir;
    for (;;) {
      if (!again && this.realInside.has(existing)) return;
      if (again || !this.missing.has(existing)) {
        if (existsSync(existing)) break;
        if (!again) this.missing.add(existing);
      }
      const up = dirname(existing);
      // Nothing on disk yet, not even the root: nothing to follow.
      if (existing === this.root || !isWithin(up, this.root)) return;
      existing = up;
    }
    this.realRoot ??= existsSync(this.root) ? realpathSync.native(this.root) : this.root;
    const real = realpathSync.native(existing);
    if (!isWithin(real, this.realRoot)) {
      throw new PathEscapeError(
        `${what}: ${JSON.stringify(existing)} leads to ${JSON.stringify(real)}, outside ${this.label} (${this.root})`,
        "a symbolic link inside the target directory points out of it",
      );
    }
    this.realInside.add(existing);
  }
}
