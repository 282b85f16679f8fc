/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`) of the bundled CLI: self time per
 * function and per source module, so the largest fixed costs of a command are visible.
 *
 * The bundle is not minified, and esbuild writes a `// <source path>` comment line before each
 * module's code, so a sample's bundle line maps back to the module it came from (the nearest such
 * comment above it). Samples outside the bundle are grouped by URL (`node:internal/…`) or by V8's
 * own pseudo-frames: `(garbage collector)`, `(program)` (compiling and running outside JS frames),
 * `(idle)`.
 *
 * Pitfall: V8 samples about every 1 ms by default, so anything under a few ms is noise; a short
 * command (`--version`) has only some tens of samples.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileEntry {
  label: string;
  ms: number;
}

export interface ProfileSummary {
  totalMs: number;
  functions: ProfileEntry[];
  modules: ProfileEntry[];
}

const moduleMaps = new Map<string, Array<[number, string]>>();

/** `[line, module]` pairs of a bundle file, from esbuild's `// path` comments (0-based lines). */
function moduleMap(file: string): Array<[number, string]> {
  let map = moduleMaps.get(file);
  if (map) return map;
  map = [];
  const lines = readFileSync(file, "utf8").split("\n");
  lines.forEach((line, i) => {
    const m = /^\/\/ ((?:\.\.\/)*(?:node_modules|packages|fixtures)\/\S+)$/.exec(line);
    if (m) map?.push([i, shortModule(m[1] as string)]);
  });
  moduleMaps.set(file, map);
  return map;
}

/** `node_modules/.pnpm/yargs@17.7.2/node_modules/yargs/build/lib/x.js` → `yargs (build/lib/x.js)`. */
function shortModule(path: string): string {
  const nm = path.lastIndexOf("node_modules/");
  if (nm < 0) return path.replace(/^(\.\.\/)+/, "");
  const rest = path.slice(nm + "node_modules/".length).split("/");
  const pkg = rest[0]?.startsWith("@") ? `${rest[0]}/${rest[1]}` : (rest[0] as string);
  return `${pkg} (${rest.slice(pkg.split("/").length).join("/")})`;
}

function moduleOf(url: string, line: number): string {
  if (url === "") return "";
  if (!url.startsWith("file://")) return url;
  const file = fileURLToPath(url);
  if (!/\.mjs$/.test(file)) return file;
  let found = file.replace(/^.*\//, "");
  for (const [at, name] of moduleMap(file)) {
    if (at > line) break;
    found = name;
  }
  return found;
}

export function summariseProfile(file: string, top = 10): ProfileSummary {
  const p = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  p.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const functions = new Map<string, number>();
  const modules = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const f = byId.get(id)?.callFrame;
    if (!f) continue;
    const mod = moduleOf(f.url, f.lineNumber);
    // Line 0 of a bundle file with no name is the module body: esbuild's hoisted top-level code.
    const name =
      f.functionName ||
      (f.lineNumber === 0 && f.url.startsWith("file:") ? "(module top level)" : "(anonymous)");
    const label = mod === "" ? name : `${name} — ${mod}`;
    functions.set(label, (functions.get(label) ?? 0) + us);
    const modLabel = mod === "" ? name : mod;
    modules.set(modLabel, (modules.get(modLabel) ?? 0) + us);
  }
  const rank = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([label, us]) => ({ label, ms: us / 1000 }));
  return { totalMs: (p.endTime - p.startTime) / 1000, functions: rank(functions), modules: rank(modules) };
}

/** The one `.cpuprofile` `node --cpu-prof --cpu-prof-dir dir` wrote. */
export function profileIn(dir: string): string {
  const files = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"));
  if (files.length !== 1) throw new Error(`expected one .cpuprofile in ${dir}, found ${files.length}`);
  return join(dir, files[0] as string);
}
