/* global process, performance */
// Bundles the CLI into dist/: dist/lockstep.mjs (the entry) plus chunks for what commands import
// lazily, so `lockstep --version` loads only the entry (yargs and the argument definitions).
// Usage: node packages/cli/build.mjs [--quiet] [--outdir DIR]. Imported by bin/lockstep.js when
// dist/ is missing; tests build into a temporary directory with --outdir.
import { build } from "esbuild";
import { readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const outdir = join(here, "dist");

/**
 * yargs renders the whole help text of a command (cliui layout, string widths: 30–50 ms, a tenth of
 * a warm `lock`) just before running its handler, only so that a `showHelp()` called later can show
 * that command's help. lockstep never shows help after a handler has started (errors are rendered
 * by exit-code.ts), so the bundle's copy of yargs skips it; `--help` itself is unaffected. The build
 * fails if yargs changes so that the text is no longer found.
 */
const HELP_CACHE = "cachedHelpMessage = this.help();";
const skipHelpCache = {
  name: "yargs-skip-help-cache",
  setup(b) {
    b.onLoad({ filter: /[\\/]yargs[\\/]build[\\/]lib[\\/]usage\.js$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
      if (!source.includes(HELP_CACHE)) {
        throw new Error(`${args.path} no longer contains ${JSON.stringify(HELP_CACHE)}; update build.mjs`);
      }
      return { contents: source.replace(HELP_CACHE, "/* help cached on demand only */"), loader: "js" };
    });
  },
};

/**
 * string-width (cliui's, for yargs' help layout) builds an Intl.Segmenter and Unicode-property
 * regular expressions (\\p{RGI_Emoji}, …) when its module is evaluated: 30–100 ms of every start-up
 * on this machine, spent even when no help is printed. In the bundle, each such top-level constant
 * becomes a getter that builds it on first use. The build fails if none is found.
 */
const EAGER_CONST = /^const (\w+) = (new Intl\.Segmenter\(\)|\/.+\/[a-z]*);$/gm;
const lazyStringWidth = {
  name: "lazy-string-width",
  setup(b) {
    b.onLoad({ filter: /[\\/]string-width[\\/]index\.js$/ }, (args) => {
      let source = readFileSync(args.path, "utf8");
      const names = [];
      source = source.replace(EAGER_CONST, (_line, name, init) => {
        names.push(name);
        return `let ${name}$value;\nconst ${name}$get = () => (${name}$value ??= ${init});`;
      });
      if (names.length === 0) throw new Error(`${args.path}: no eager constant found; update build.mjs`);
      for (const name of names) {
        // Every other use (`name$value`/`name$get` are followed by `$`, so left alone).
        source = source.replace(new RegExp(`(?<![.$\\w])${name}(?![$\\w])`, "g"), `${name}$get()`);
      }
      return { contents: source, loader: "js" };
    });
  },
};

/**
 * got imports its HTTP/2 support (http2-wrapper) and its response cache (cacheable-request, with
 * keyv, http-cache-semantics, normalize-url) at load, though they run only with its `http2` and
 * `cache` options, which lockstep never sets (the index client caches pages itself): about 140 KiB
 * of the 360 KiB got chunk, evaluated before a cold lock's first request. The bundle gets small
 * stand-ins that fail loudly if those options are ever turned on.
 */
const GOT_STUBS = {
  "http2-wrapper": `const unused = () => { throw new Error("lockstep's bundle leaves out got's HTTP/2 support (http2-wrapper); see build.mjs"); };
export default { get globalAgent() { return unused(); }, get auto() { return unused(); } };`,
  "cacheable-request": `export class CacheError extends Error {}
export default class CacheableRequest {
  constructor() { throw new Error("lockstep's bundle leaves out got's response cache (cacheable-request); see build.mjs"); }
}`,
};
const stubUnusedGotFeatures = {
  name: "stub-unused-got-features",
  setup(b) {
    const filter = new RegExp(`^(${Object.keys(GOT_STUBS).join("|")})$`);
    b.onResolve({ filter }, (args) =>
      /[\\/]got[\\/]/.test(args.importer) ? { path: args.path, namespace: "got-stub" } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "got-stub" }, (args) => ({
      contents: GOT_STUBS[args.path],
      loader: "js",
    }));
  },
};

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
    plugins: [skipHelpCache, lazyStringWidth, stubUnusedGotFeatures],
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
