// Greedy minimizer for a crashing universe (temporary tool, not committed).
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serveUniverse } from "../../../../../fixtures/src/server";
import type { Universe } from "../../../../../fixtures/src/universe";
import { lockstepResolve, newClient, specificOptions } from "./lockstep-runner";
const input = JSON.parse(readFileSync(process.argv[2] as string, "utf8")) as { root: string[]; packages: Universe["packages"] };
const pattern = new RegExp(process.argv[3] ?? "firstWhere");
let n = 0;
async function crashes(root: string[], packages: Universe["packages"]): Promise<boolean> {
  const server = await serveUniverse({ name: `min-${n++}`, packages }, { cacheDir: "/tmp/ls-smoke/built" });
  try {
    await lockstepResolve(newClient(server.url, mkdtempSync(join(tmpdir(), "lsm-"))), root, specificOptions());
    return false;
  } catch (e) {
    return pattern.test(String((e as Error).stack));
  } finally {
    await server.close();
  }
}
let { root, packages } = input;
if (!(await crashes(root, packages))) throw new Error("does not crash");
let changed = true;
while (changed) {
  changed = false;
  for (const name of Object.keys(packages)) {
    const { [name]: _, ...rest } = packages;
    if (await crashes(root, rest)) { packages = rest; changed = true; }
  }
  for (const [name, p] of Object.entries(packages)) for (const v of Object.keys(p.versions)) {
    const versions = { ...p.versions }; delete versions[v];
    const next = { ...packages, [name]: { versions } };
    if (await crashes(root, next)) { packages = next; changed = true; }
  }
  for (const [name, p] of Object.entries(packages)) for (const [v, spec] of Object.entries(p.versions)) {
    for (let i = 0; i < (spec.requiresDist ?? []).length; i++) {
      const deps = [...(spec.requiresDist ?? [])]; deps.splice(i, 1);
      const next = { ...packages, [name]: { versions: { ...p.versions, [v]: { ...spec, requiresDist: deps } } } };
      if (await crashes(root, next)) { packages = next; changed = true; i--; break; }
    }
    for (const key of ["requiresPython", "wheels", "extras"] as const) {
      const cur = packages[name]?.versions[v];
      if (!cur || cur[key] === undefined) continue;
      const { [key]: _, ...without } = cur;
      const next = { ...packages, [name]: { versions: { ...packages[name]?.versions, [v]: without } } };
      if (await crashes(root, next)) { packages = next; changed = true; }
    }
  }
}
writeFileSync(process.argv[4] as string, JSON.stringify({ root, packages }, null, 1));
console.log(JSON.stringify({ root, packages }));
