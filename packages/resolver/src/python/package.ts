/**
 * The packages the Python resolver hands to PubGrub.
 *
 * PubGrub only knows "package P at version V depends on Q in set S". Python needs more than plain
 * packages, so some are virtual:
 * - `root`: the project being locked; its dependencies are the project's requirements.
 * - `python`: the interpreter. Every version's `Requires-Python` becomes a dependency on it, so a
 *   version that needs a newer Python is rejected by PubGrub itself, and the report says why.
 * - `extra`: `name[extra]` at version V depends on `name==V` plus the requirements that the extra
 *   adds. Pinning both to the same V is what keeps `foo[bar]` and `foo` one package in the result.
 * - `group`: a dependency group of the project (PEP 735), like an extra of the root.
 * Markers are not packages here: in universal mode a dependency keeps its marker as the condition of
 * its edge, and forks split the solve where markers demand different versions (see fork.ts).
 */

export type PyPackage =
  | { readonly kind: "root"; readonly name: string }
  | { readonly kind: "python" }
  | { readonly kind: "package"; readonly name: string }
  | { readonly kind: "extra"; readonly name: string; readonly extra: string }
  | { readonly kind: "group"; readonly name: string; readonly group: string };

const interned = new Map<string, PyPackage>();

function intern<T extends PyPackage>(key: string, make: () => T): T {
  let p = interned.get(key);
  if (!p) {
    p = make();
    interned.set(key, p);
  }
  return p as T;
}

export const PYTHON: PyPackage = intern(":python", () => ({ kind: "python" }));

export function rootPackage(name: string): PyPackage {
  return intern(`:root:${name}`, () => ({ kind: "root", name }));
}
export function plainPackage(name: string): PyPackage {
  return intern(name, () => ({ kind: "package", name }));
}
export function extraPackage(name: string, extra: string): PyPackage {
  return intern(`${name}[${extra}]`, () => ({ kind: "extra", name, extra }));
}
export function groupPackage(name: string, group: string): PyPackage {
  return intern(`${name}:${group}`, () => ({ kind: "group", name, group }));
}

export function packageKey(p: PyPackage): string {
  switch (p.kind) {
    case "root":
      return `:root:${p.name}`;
    case "python":
      return ":python";
    case "package":
      return p.name;
    case "extra":
      return `${p.name}[${p.extra}]`;
    case "group":
      return `${p.name}:${p.group}`;
  }
}

/** How a package reads in messages: its key, except for the root and Python. */
export function displayPackage(p: PyPackage): string {
  if (p.kind === "root") return p.name || "the project";
  if (p.kind === "python") return "Python";
  return packageKey(p);
}

/** The real distribution a package stands for (undefined for root and python). */
export function distributionName(p: PyPackage): string | undefined {
  return p.kind === "package" || p.kind === "extra" ? p.name : undefined;
}
