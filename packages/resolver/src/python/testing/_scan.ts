import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serveUniverse } from "../../../../../fixtures/src/server";
import { lockstepResolve, newClient, specificOptions } from "./lockstep-runner";
import { generateUniverse } from "./random-universe";
const [seed, flavour] = [Number(process.argv[2]), process.argv[3] as "satisfiable"];
const g = generateUniverse(seed, { flavour });
const server = await serveUniverse(g.universe);
const t = performance.now();
try {
  const r = await lockstepResolve(newClient(server.url, mkdtempSync(join(tmpdir(), "lsm-"))), g.root, specificOptions());
  console.log(seed, flavour, r.kind, (performance.now() - t).toFixed(0), r.kind === "solved" ? JSON.stringify(r.resolution.stats) : "");
} catch (e) {
  console.log(seed, flavour, "THROWS", String(e).slice(0, 120));
}
await server.close();
