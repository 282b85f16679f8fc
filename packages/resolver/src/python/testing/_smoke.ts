import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serveUniverse } from "../../../../../fixtures/src/server";
import { generateUniverse } from "./random-universe";
import { validateInstallSet } from "./validator";
import { pipResolve } from "./pip-runner";
import { lockstepResolve, newClient, specificOptions, PIP_TARGET } from "./lockstep-runner";
import { markerEnvironmentFor, TagPriority } from "@lockstep/wheel";
const env = markerEnvironmentFor(PIP_TARGET);
const tags = TagPriority.forTarget(PIP_TARGET);
for (const [seed, flavour] of [[1, "satisfiable"], [2, "conflicting"], [3, "satisfiable"]] as const) {
  const g = generateUniverse(seed, { flavour });
  let t = performance.now();
  const server = await serveUniverse(g.universe, { cacheDir: "/tmp/ls-smoke/built" });
  console.log("build+serve", (performance.now() - t).toFixed(0), "ms", Object.keys(g.universe.packages).length, g.root);
  const client = newClient(server.url, mkdtempSync(join(tmpdir(), "lsc-")));
  const ours = await lockstepResolve(client, g.root, specificOptions());
  const pip = await pipResolve(server.url, g.root);
  console.log("ours", ours.kind, ours.wallMs.toFixed(0), ours.kind === "solved" ? ours.resolution.packages.map((p) => `${p.name}==${p.version}`).join(" ") : ours.report.slice(0, 300));
  console.log("pip", pip.kind, pip.wallMs.toFixed(0), [...pip.chosen].map(([n, v]) => `${n}==${v}`).join(" "), pip.kind !== "solved" ? pip.stderr.slice(-300) : "");
  if (ours.kind === "solved") console.log("validate ours", validateInstallSet(g.universe, g.root, ours.resolution.packages.map((p) => ({ name: p.name, version: p.version.toString() })), env, { wheelCompatible: (tg) => tags.isCompatible(`x-1.0-${tg}.whl`) }));
  if (pip.kind === "solved") console.log("validate pip", validateInstallSet(g.universe, g.root, [...pip.chosen].map(([name, version]) => ({ name, version })), env));
  await server.close();
}
