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

/**
 * The pre-yargs fast path (src/fast-path.ts) is built as one file of its own, `fast-path.mjs`
 * beside the entry: split with the rest, its imports land in about twenty shared chunks, and
 * resolving and linking them was half of a no-op sync's time above Node's start. The main build
 * leaves `./fast-path` external (main.ts imports it by that name). Inside the fast path's build, the
 * dynamic imports of the full paths it never takes (a user config file, the full sync, `lock`) are
 * replaced by a module that throws, so nothing heavy is copied in; the fast path declines before
 * any of them could run (fast-path.test.ts). The build fails when the fast-path file grows past
 * FAST_PATH_MAX_BYTES, which is how a new heavy static import would show.
 */
const FAST_PATH_MAX_BYTES = 96 * 1024;
const fastPathExternal = {
  name: "fast-path-external",
  setup(b) {
    b.onResolve({ filter: /^\.\/fast-path$/ }, (args) =>
      args.importer.endsWith(join("src", "main.ts"))
        ? { path: "./fast-path.mjs", external: true }
        : undefined,
    );
  },
};
const LIGHT_DYNAMIC = /^(@lockstep\/project\/sync|@lockstep\/project\/run-command)$/;
const fastPathOnly = {
  name: "fast-path-only",
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) =>
      args.kind === "dynamic-import" && !LIGHT_DYNAMIC.test(args.path)
        ? { path: args.path, namespace: "not-in-fast-path" }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "not-in-fast-path" }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`${args.path} is not part of the fast path's bundle; see build.mjs`)});`,
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
    plugins: [skipHelpCache, lazyStringWidth, stubUnusedGotFeatures, fastPathExternal],
    logLevel: quiet ? "error" : "warning",
    legalComments: "none",
  });
  const fast = await build({
    entryPoints: { "fast-path": join(here, "src/fast-path.ts") },
    outdir: dir,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outExtension: { ".js": ".mjs" },
    banner: {
      js: 'import { createRequire as __lockstepCreateRequire } from "node:module"; const require = __lockstepCreateRequire(import.meta.url);',
    },
    metafile: true,
    plugins: [fastPathOnly],
    logLevel: quiet ? "error" : "warning",
    legalComments: "none",
  });
  for (const [file, o] of Object.entries(fast.metafile.outputs)) {
    if (o.bytes > FAST_PATH_MAX_BYTES)
      throw new Error(
        `${file} is ${o.bytes} bytes, over ${FAST_PATH_MAX_BYTES}: a heavy import reached the fast path`,
      );
    result.metafile.outputs[file] = o;
  }
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
