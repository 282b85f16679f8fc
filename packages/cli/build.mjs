/* global process, performance */
// Bundles the CLI into dist/: dist/lockstep.mjs (the entry: --version and the pre-yargs fast path,
// one file), dist/direct.mjs (a plain lock/sync without yargs), dist/full.mjs (yargs and the
// commands) plus chunks for what commands import lazily.
// Usage: node packages/cli/build.mjs [--quiet] [--outdir DIR]. Imported by bin/lockstep.js when
// dist/ is missing; tests build into a temporary directory with --outdir.
import { build } from "esbuild";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
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
 * yargs' factory calls `version()` with no argument on every new parser, which guesses the version
 * by walking up from the working directory (the bundle has no node_modules path to start from)
 * listing each directory for a package.json: 6–7 ms of every full-path start, in a Python project
 * that has none. run-cli.ts always sets `.version(VERSION)`, which replaces the guess, so the
 * bundle's copy passes a placeholder instead; `--version`/`--help` are unchanged (build.test.ts).
 * The build fails if yargs changes so that the call is no longer found.
 */
const GUESS_VERSION = "yargs.version();";
const noVersionGuess = {
  name: "yargs-no-version-guess",
  setup(b) {
    b.onLoad({ filter: /[\\/]yargs[\\/]build[\\/]lib[\\/]yargs-factory\.js$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
      if (source.split(GUESS_VERSION).length !== 2) {
        throw new Error(
          `${args.path} no longer contains ${JSON.stringify(GUESS_VERSION)} once; update build.mjs`,
        );
      }
      return { contents: source.replace(GUESS_VERSION, 'yargs.version("unknown");'), loader: "js" };
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
 * The process entry, `lockstep.mjs`, is built on its own, as one file without chunks: src/main.ts
 * with the pre-yargs fast path (src/fast-path.ts) and the light modules it imports, no CommonJS and
 * no `createRequire` banner. Split with the rest, its imports landed in about twenty shared chunks,
 * and resolving and linking them was half of a no-op sync's time above Node's start. Everything
 * else is the split build of `full.mjs` (yargs and every command), `direct.mjs` (a plain `lock`
 * or `sync` without yargs) and `fast-run.mjs` (the fast path's `run`), which the entry imports by those names when it needs them. Inside the entry, the
 * dynamic imports of the full paths it never takes (a user config file, the full sync) are replaced
 * by a module that throws, so nothing heavy is copied in; the fast path declines before any of them
 * could run (fast-path.test.ts). The build fails when the entry grows past ENTRY_MAX_BYTES (how a new
 * heavy static import would show) or holds a CommonJS `require` (which would need the banner).
 */
const ENTRY_MAX_BYTES = 64 * 1024;
const ENTRY_SIBLINGS = { "./full": "./full.mjs", "./fast-run": "./fast-run.mjs", "./direct": "./direct.mjs" };
const LIGHT_DYNAMIC = /^@lockstep\/project\/sync$/;
const entryOnly = {
  name: "entry-only",
  setup(b) {
    b.onResolve({ filter: /^\.\/(full|fast-run|direct)$/ }, (args) =>
      args.importer.startsWith(join(here, "src"))
        ? { path: ENTRY_SIBLINGS[args.path], external: true }
        : undefined,
    );
    b.onResolve({ filter: /.*/ }, (args) =>
      args.kind === "dynamic-import" && !LIGHT_DYNAMIC.test(args.path)
        ? { path: args.path, namespace: "not-in-entry" }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "not-in-entry" }, (args) => ({
      // An ES module (not CommonJS, which would need esbuild's require shim in the entry).
      contents: `throw new Error(${JSON.stringify(`${args.path} is not part of the entry file; see build.mjs`)});\nexport {};`,
      loader: "js",
    }));
  },
};

/**
 * In the entry file, Node built-ins come from `process.getBuiltinModule` (Node 20.16+; the engines
 * field asks for 20.19), not from `import … from "node:…"`: an ES module import of a built-in makes
 * Node build a wrapper module holding every export, reading every lazy getter on the way (the
 * WebCrypto implementation for `node:crypto`, `fs.promises`, …), and it loads the module even when
 * no export is used. Here each function export is a small wrapper that fetches the module on its
 * first call, so `node:crypto` is loaded only when something is hashed; other values (`constants`,
 * `sep`) are read when the entry is evaluated, and only the exports the entry uses are kept. The
 * export names come from the Node running the build, which is the one the tests run.
 */
const lazyBuiltins = {
  name: "lazy-builtins",
  setup(b) {
    b.onResolve({ filter: /^(node:)?[a-z_/]+$/ }, (args) => {
      const id = args.path.startsWith("node:") ? args.path : `node:${args.path}`;
      return builtinModules.includes(id.slice(5)) ? { path: id, namespace: "lazy-builtin" } : undefined;
    });
    b.onLoad({ filter: /.*/, namespace: "lazy-builtin" }, async (args) => {
      const real = (await import(args.path)).default;
      const lines = [`const load = () => process.getBuiltinModule(${JSON.stringify(args.path)});`];
      for (const name of Object.keys(real)) {
        if (!/^[A-Za-z_$][\w$]*$/.test(name) || name === "default") continue;
        const value = Object.getOwnPropertyDescriptor(real, name);
        // A plain function is wrapped; classes, functions carrying properties of their own
        // (`realpathSync.native`) and other values are read when the entry is evaluated.
        const fn = value?.value;
        const plain =
          typeof fn === "function" &&
          !/^[A-Z]/.test(name) &&
          !/^class\b/.test(Function.prototype.toString.call(fn)) &&
          Object.getOwnPropertyNames(fn).every((p) => ["length", "name", "prototype"].includes(p));
        if (plain) lines.push(`export function ${name}(...a) { return load().${name}(...a); }`);
        else lines.push(`export const ${name} = /* @__PURE__ */ (() => load().${name})();`);
      }
      lines.push("export default /* @__PURE__ */ load();");
      return { contents: lines.join("\n"), loader: "js" };
    });
  },
};

export async function buildCli({ quiet = false, outdir: dir = outdir } = {}) {
  const started = performance.now();
  rmSync(dir, { recursive: true, force: true });
  const result = await build({
    entryPoints: {
      full: join(here, "src/full.ts"),
      "fast-run": join(here, "src/fast-run.ts"),
      direct: join(here, "src/direct.ts"),
    },
    outdir: dir,
    bundle: true,
    splitting: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outExtension: { ".js": ".mjs" },
    chunkNames: "chunks/[name]-[hash]",
    // Some dependencies (pino's) are CommonJS and call require() for Node built-ins.
    banner: {
      js: 'import { createRequire as __lockstepCreateRequire } from "node:module"; const require = __lockstepCreateRequire(import.meta.url);',
    },
    metafile: true,
    plugins: [skipHelpCache, noVersionGuess, lazyStringWidth, stubUnusedGotFeatures],
    logLevel: quiet ? "error" : "warning",
    legalComments: "none",
  });
  const entry = await build({
    entryPoints: { lockstep: join(here, "src/main.ts") },
    outdir: dir,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outExtension: { ".js": ".mjs" },
    metafile: true,
    write: false,
    plugins: [entryOnly, lazyBuiltins],
    logLevel: quiet ? "error" : "warning",
    legalComments: "none",
  });
  for (const file of entry.outputFiles) {
    if (file.contents.length > ENTRY_MAX_BYTES)
      throw new Error(
        `${file.path} is ${file.contents.length} bytes, over ${ENTRY_MAX_BYTES}: a heavy import reached the entry`,
      );
  }
  for (const [input, { format }] of Object.entries(entry.metafile.inputs)) {
    if (format === "cjs")
      throw new Error(
        `${input} is CommonJS: it reached the entry file (which has no require); see build.mjs`,
      );
  }
  for (const file of entry.outputFiles) writeFileSync(file.path, file.contents);
  Object.assign(result.metafile.outputs, entry.metafile.outputs);
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
