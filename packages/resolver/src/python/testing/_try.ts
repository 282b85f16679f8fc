import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serveUniverse } from "../../../../../fixtures/src/server";
import { lockstepResolve, newClient, specificOptions } from "./lockstep-runner";
const cases: Array<[string[], Record<string, string[]>]> = [
  [["a[x]"], { a: ["b>=1.2,<1.2"] }],
  [["a"], { a: ["b>=1.2,<1.2"] }],
  [["a[x]"], { a: ["b<0"] }],
  [["a[x]"], { a: ["b>=1.2,<1.2"], b: [] }],
  [["a[x]"], { a: [], b: [] }],
];
for (const [root, deps] of cases) {
  const packages = Object.fromEntries(Object.entries(deps).map(([n, d]) => [n, { versions: { "1.0": { requiresDist: d, sdist: false } } }]));
  const server = await serveUniverse({ name: "try", packages }, { cacheDir: "/tmp/ls-smoke/built" });
  try {
    const r = await lockstepResolve(newClient(server.url, mkdtempSync(join(tmpdir(), "lsm-"))), root, specificOptions());
    console.log(JSON.stringify(root), JSON.stringify(deps), r.kind, r.kind === "no-solution" ? r.report : r.resolution.packages.map((p) => `${p.name}==${p.version}`).join(","));
  } catch (e) {
    console.log(JSON.stringify(root), JSON.stringify(deps), "THROWS", String(e).slice(0, 100));
  }
  await server.close();
}
