/* global process, performance */
// Bundles the CLI into dist/: dist/lockstep.mjs (the entry) plus chunks for what commands import
// lazily, so `lockstep --version` loads only the entry (yargs and the argument definitions).
// Usage: node packages/cli/build.mjs [--quiet] [--outdir DIR]. Imported by bin/lockstep.js when
// dist/ is missing; tests build into a temporary directory with --outdir.
import { build } from "esbuild";
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const outdir = join(here, "dist");

export async function buildCli({ quiet = false, outdir: dir = outdir } = {}) {
  const started = performance.now();
  rmSync(dir, { recursive: true, force: true });
  const result = await build({
    entryPoints: { lockstep: join(here, "src/main.ts") },
    outdir: dir,
    bundle: true,
    splitting: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outExtension: { ".js": ".mjs" },
    chunkNames: "chunks/[name]-[hash]",
    // Some dependencies (got's, pino's) are CommonJS and call require() for Node built-ins.
    banner: {
      js: 'import { createRequire as __lockstepCreateRequire } from "node:module"; const require = __lockstepCreateRequire(import.meta.url);',
    },
    metafile: true,
    logLevel: quiet ? "error" : "warning",
    legalComments: "none",
  });
  if (!quiet) {
    const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
    process.stderr.write(
      `built ${join(dir, "lockstep.mjs")} (${Math.round(bytes / 1024)} KiB in ${Object.keys(result.metafile.outputs).length} files) in ${Math.round(performance.now() - started)}ms\n`,
    );
  }
  return result;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const at = process.argv.indexOf("--outdir");
  const result = await buildCli({
    quiet: process.argv.includes("--quiet"),
    ...(at > 0 ? { outdir: process.argv[at + 1] } : {}),
  });
  if (process.argv.includes("--metafile")) process.stdout.write(JSON.stringify(result.metafile));
}
