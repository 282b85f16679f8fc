/**
 * What build.mjs does to the bundle for start-up time (see its plugins): yargs' pre-handler help
 * rendering is gone, string-width builds its Segmenter and Unicode-property regexes on first use,
 * got's unused HTTP/2 and response-cache modules are stand-ins — and help is still printed in full.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { CLI_DIR, buildBundle, run } from "../testing";

let bundle: Awaited<ReturnType<typeof buildBundle>>;
beforeAll(async () => {
  bundle = await buildBundle();
}, 120_000);

/** The text of every output chunk that `input` (a path fragment) went into. */
function chunksWith(input: string): string {
  // Output paths in the metafile are relative to the directory build.mjs ran in.
  return Object.entries(bundle.metafile.outputs)
    .filter(([, o]) => Object.keys(o.inputs).some((i) => i.includes(input)))
    .map(([path]) => readFileSync(join(CLI_DIR, path), "utf8"))
    .join("\n");
}

describe("bundle start-up", () => {
  test("string-width's Segmenter and \\p{…} regexes are built on first use, not at load", () => {
    const text = chunksWith("/string-width/");
    expect(text).toContain("segmenter$get()");
    expect(text).not.toMatch(/^var segmenter\d* = new Intl\.Segmenter\(\);$/m);
    expect(text).not.toMatch(/^var \w+Regex\d* = new RegExp\("[^"]*\\\\p\{/m);
  });

  test("yargs no longer renders help before each handler", () => {
    expect(chunksWith("/yargs/build/lib/usage.js")).not.toContain("cachedHelpMessage = this.help()");
  });

  test("got's HTTP/2 support and response cache are stand-ins", () => {
    const inputs = Object.values(bundle.metafile.outputs).flatMap((o) => Object.keys(o.inputs));
    expect(
      inputs.filter((i) => /\/(http2-wrapper|cacheable-request|keyv|http-cache-semantics)\//.test(i)),
    ).toEqual([]);
    expect(inputs).toEqual(expect.arrayContaining(["got-stub:http2-wrapper", "got-stub:cacheable-request"]));
  });

  test("the entry file imports nothing statically; built-ins are fetched on use, so --version loads no node:crypto", async () => {
    const entry = readFileSync(bundle.entry, "utf8");
    expect(entry).not.toMatch(/^import\b/m);
    expect(entry).toContain('process.getBuiltinModule("node:crypto")');
    // Node's own list of the internal modules it loaded, printed as the process exits.
    const hook = `data:text/javascript,process.on("exit",()=>process._rawDebug(process.moduleLoadList.join(",")))`;
    const res = await run(process.execPath, ["--import", hook, bundle.entry, "--version"]);
    expect(res.code).toBe(0);
    expect(res.stderr).toContain("NativeModule fs");
    expect(res.stderr).not.toContain("NativeModule crypto");
  });

  test("help is still laid out in columns", async () => {
    const res = await run(process.execPath, [bundle.entry, "lock", "--help"]);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^ {2}-U, --upgrade +Ignore the versions in the existing lock +\[boolean\]$/m);
  });
});
