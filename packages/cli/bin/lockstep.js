#!/usr/bin/env node
// The installed `lockstep` command: runs the bundled CLI (dist/lockstep.mjs), building it first when
// it is missing (a fresh checkout). `pnpm lockstep` runs the TypeScript sources with tsx instead.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const bundle = join(dirname(fileURLToPath(import.meta.url)), "..", "dist", "lockstep.mjs");
if (!existsSync(bundle)) {
  const { buildCli } = await import("../build.mjs");
  await buildCli({ quiet: true });
}
await import(pathToFileURL(bundle).href);
