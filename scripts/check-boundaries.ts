/**
 * The workspace's import boundaries, checked from the files themselves (run by
 * `scripts/boundaries.test.ts` in `pnpm test`, or directly: `tsx scripts/check-boundaries.ts`).
 *
 * Rules, with the layer table in `scripts/layers.json` (eslint.config.js reads the same table):
 * - a package imports only packages its layer allows (never one above it);
 * - product code (every file of a package that is not a test or test support) never imports test
 *   code: `@lockstep/fixtures`, `@lockstep/<pkg>/testing`, a `testing/` path or a `*.test` file
 *   (packages marked `tool` in the table, which are never shipped, are exempt);
 * - test support lives in `packages/<pkg>/testing/`, not under `src/`;
 * - nothing reaches into another package by relative path (`../../../fixtures/src/...`);
 * - every imported package is declared in the importing package's package.json (product code:
 *   `dependencies`; tests: `dependencies`, `devDependencies` or the workspace root's
 *   `devDependencies`, which hold the shared test tooling), `@lockstep/fixtures` is only ever a
 *   devDependency, and every declared dependency is imported by some file of the package.
 *
 * Imports are read with TypeScript's pre-processor, so `import type`, `export … from` and literal
 * dynamic `import("…")` all count (eslint's no-restricted-imports does not see dynamic imports).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { isBuiltin } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

/** One entry of `scripts/layers.json`. */
export interface Layer {
  /** Imports every package of a lower rank (plus `sameRank`). */
  readonly rank?: number;
  readonly sameRank?: readonly string[];
  /** Imports exactly these packages (for packages outside the ranked stack). */
  readonly may?: readonly string[];
  /** Never shipped: its product code may use test support. */
  readonly tool?: boolean;
}

export type Layers = Readonly<Record<string, Layer>>;

const SCOPE = "@lockstep/";
const FIXTURES = `${SCOPE}fixtures`;
const SOURCE_FILE = /\.(?:[cm]?ts|[cm]?js)$/;
const TEST_FILE = /\.test(?:\.[cm]?[jt]s)?$/;
const SKIPPED_DIRS = new Set(["node_modules", "dist"]);

/** The repository's own layer table. */
export function readLayers(root: string): Layers {
  const json = JSON.parse(readFileSync(join(root, "scripts", "layers.json"), "utf8")) as {
    packages: Layers;
  };
  return json.packages;
}

/** Whether `importer` may import `imported` (both short names, e.g. "lockfile", "pep508"). */
export function mayImport(layers: Layers, importer: string, imported: string): boolean {
  if (importer === imported) return true;
  const from = layers[importer];
  const to = layers[imported];
  if (from === undefined || to === undefined) return false;
  if (from.may !== undefined) return from.may.includes(imported);
  if (from.sameRank?.includes(imported)) return true;
  return from.rank !== undefined && to.rank !== undefined && to.rank < from.rank;
}

function describeRefusal(layers: Layers, importer: string, imported: string): string {
  const from = layers[importer];
  const to = layers[imported];
  if (to === undefined) return `${imported} has no entry in scripts/layers.json`;
  if (from?.may !== undefined) return `${importer} may import only ${from.may.join(", ")}`;
  if (to.rank === undefined) return `${imported} is not in the ranked stack`;
  if (to.rank === from?.rank) return `rank ${to.rank}, same as ${importer}'s, and not in its sameRank`;
  return `rank ${to.rank}, above ${importer}'s ${from?.rank ?? "?"}`;
}

interface WorkspacePackage {
  /** Short name: `@lockstep/lockfile` → `lockfile`. */
  readonly short: string;
  readonly name: string;
  /** Absolute directory. */
  readonly dir: string;
  readonly dependencies: readonly string[];
  readonly devDependencies: readonly string[];
}

interface PackageJson {
  name?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

function readPackageJson(file: string): PackageJson {
  return JSON.parse(readFileSync(file, "utf8")) as PackageJson;
}

/** The workspace packages: `packages/*` and `fixtures` (as pnpm-workspace.yaml lists them). */
function workspacePackages(root: string): WorkspacePackage[] {
  const dirs: string[] = [];
  const packagesDir = join(root, "packages");
  if (existsSync(packagesDir)) {
    for (const entry of readdirSync(packagesDir, { withFileTypes: true })) {
      if (entry.isDirectory()) dirs.push(join(packagesDir, entry.name));
    }
  }
  dirs.push(join(root, "fixtures"));
  const found: WorkspacePackage[] = [];
  for (const dir of dirs) {
    const file = join(dir, "package.json");
    if (!existsSync(file)) continue;
    const json = readPackageJson(file);
    const name = json.name ?? "";
    found.push({
      short: name.startsWith(SCOPE) ? name.slice(SCOPE.length) : name,
      name,
      dir,
      dependencies: Object.keys(json.dependencies ?? {}),
      devDependencies: Object.keys(json.devDependencies ?? {}),
    });
  }
  return found.sort((a, b) => a.dir.localeCompare(b.dir));
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith(".") || SKIPPED_DIRS.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (entry.isFile() && SOURCE_FILE.test(entry.name) && !entry.name.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

/** Test code: a `*.test.*` file or anything under a `testing/` directory. */
function isTestCode(pathInPackage: string): boolean {
  return TEST_FILE.test(pathInPackage) || pathInPackage.split(sep).includes("testing");
}

/** `@scope/name/sub` → ["@scope/name", "sub"]; `name/sub` → ["name", "sub"]. */
function splitSpecifier(specifier: string): [string, string] {
  const parts = specifier.split("/");
  const count = specifier.startsWith("@") ? 2 : 1;
  return [parts.slice(0, count).join("/"), parts.slice(count).join("/")];
}

/** `@types/foo` covers `foo`, `@types/scope__name` covers `@scope/name`. */
function typedPackage(typesName: string): string {
  const bare = typesName.slice("@types/".length);
  return bare.includes("__") ? `@${bare.replace("__", "/")}` : bare;
}

function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
  return [...new Set(info.importedFiles.map((f) => f.fileName))];
}

/** Every boundary violation in the workspace at `root`, one line each, sorted. */
export function checkBoundaries(root: string, layers: Layers = readLayers(root)): string[] {
  const absRoot = resolve(root);
  const rel = (path: string): string => relative(absRoot, path).split(sep).join("/");
  const packages = workspacePackages(absRoot);
  const rootDevDependencies = new Set(
    Object.keys(readPackageJson(join(absRoot, "package.json")).devDependencies ?? {}),
  );
  const owner = (path: string): WorkspacePackage | undefined =>
    packages.find((p) => path === p.dir || path.startsWith(p.dir + sep));
  const violations: string[] = [];

  for (const pkg of packages) {
    const manifest = `${rel(pkg.dir)}/package.json`;
    const layer = layers[pkg.short];
    if (!pkg.name.startsWith(SCOPE) || layer === undefined) {
      violations.push(
        `${manifest} names ${pkg.name || "no package"}, which has no entry in scripts/layers.json`,
      );
      continue;
    }
    if (pkg.dependencies.includes(FIXTURES) && !layer.tool) {
      violations.push(
        `${manifest} declares ${FIXTURES} in dependencies (test support belongs in devDependencies)`,
      );
    }
    const dependencies = new Set(pkg.dependencies);
    const devDependencies = new Set(pkg.devDependencies);
    const used = new Set<string>();

    for (const file of sourceFiles(pkg.dir)) {
      const inPackage = relative(pkg.dir, file);
      const test = isTestCode(inPackage);
      const where = rel(file);
      const segments = inPackage.split(sep);
      const testingIndex = segments.indexOf("testing");
      if (segments[0] === "src" && testingIndex > 0) {
        violations.push(`${where} is test support under src/ (move it to ${rel(pkg.dir)}/testing/)`);
      }
      for (const specifier of importsOf(file)) {
        if (specifier.startsWith(".")) {
          const target = resolve(dirname(file), specifier);
          const targetOwner = owner(target);
          if (targetOwner === undefined) {
            violations.push(`${where} imports ${specifier} (a relative path out of ${pkg.name})`);
          } else if (targetOwner !== pkg) {
            violations.push(
              `${where} imports ${specifier} (a relative path into ${targetOwner.name}; import it by name)`,
            );
          } else if (!test && !layer.tool && isTestCode(relative(pkg.dir, target))) {
            violations.push(`${where} imports ${specifier} (test code, from product code)`);
          }
          continue;
        }
        if (isBuiltin(specifier)) continue;
        const [name, subpath] = splitSpecifier(specifier);
        used.add(name);
        if (name.startsWith(SCOPE)) {
          const short = name.slice(SCOPE.length);
          const testSupport = name === FIXTURES || subpath === "testing" || subpath.startsWith("testing/");
          if (testSupport && !test && !layer.tool) {
            violations.push(`${where} imports ${specifier} (test code, from product code)`);
          }
          const allowed = mayImport(layers, pkg.short, short) || (test && name === FIXTURES);
          if (!allowed)
            violations.push(`${where} imports ${name} (${describeRefusal(layers, pkg.short, short)})`);
        }
        if (name === pkg.name) continue;
        if (test) {
          if (!dependencies.has(name) && !devDependencies.has(name) && !rootDevDependencies.has(name)) {
            violations.push(`${where} imports ${name} (not declared in ${manifest})`);
          }
        } else if (!dependencies.has(name)) {
          violations.push(
            devDependencies.has(name)
              ? `${where} imports ${name} (only a devDependency in ${manifest}; product code needs it in dependencies)`
              : `${where} imports ${name} (not declared in ${manifest} dependencies)`,
          );
        }
      }
    }

    for (const declared of [...pkg.dependencies, ...pkg.devDependencies]) {
      const importedName = declared.startsWith("@types/") ? typedPackage(declared) : declared;
      if (!used.has(importedName))
        violations.push(`${manifest} declares ${declared}, which no file of ${pkg.name} imports`);
    }
  }
  return violations.sort();
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
  const violations = checkBoundaries(root);
  for (const line of violations) console.log(line);
  console.log(violations.length === 0 ? "boundaries hold" : `${violations.length} boundary violations`);
  process.exitCode = violations.length === 0 ? 0 : 1;
}
