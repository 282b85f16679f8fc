// exit 0 = solved/no-solution, 3 = throws matching; hang = killed by timeout
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serveUniverse } from "../../../../../fixtures/src/server";
import type { Universe } from "../../../../../fixtures/src/universe";
import { lockstepResolve, newClient, specificOptions } from "./lockstep-runner";
const input = JSON.parse(readFileSync(process.argv[2] as string, "utf8")) as { root: string[]; packages: Universe["packages"] };
const server = await serveUniverse({ name: "chk", packages: input.packages }, { cacheDir: "/tmp/ls-smoke/built" });
try {
  const r = await lockstepResolve(newClient(server.url, mkdtempSync(join(tmpdir(), "lsm-"))), input.root, specificOptions());
  console.log(r.kind, r.kind === "no-solution" ? r.report : r.resolution.packages.map((p) => `${p.name}==${p.version}`).join(" "));
  await server.close();
  process.exit(0);
} catch (e) {
  console.log("THROWS", e);
  process.exit(3);
}
