/**
 * `pnpm conformance packse|resolvelib [DIR] [--json FILE]`: one line per case that does not pass
 * (name, what was expected, what we got), then a closing line `N passed, M failed` (with
 * `, K different` for resolvelib). Exit 1 when any failed.
 */
import { writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { CaseResult } from "./packse-runner";
import { runPackse } from "./packse-runner";
import { runResolvelib } from "./resolvelib-runner";

const SHARED = resolve(dirname(fileURLToPath(import.meta.url)), "../../../../shared");

async function main(argv: string[]): Promise<number> {
  const args = [...argv];
  let jsonFile: string | undefined;
  const j = args.indexOf("--json");
  if (j >= 0) {
    jsonFile = args[j + 1];
    args.splice(j, 2);
  }
  const [suite, dirArg] = args;
  if (suite !== "packse" && suite !== "resolvelib") {
    process.stderr.write("usage: pnpm conformance packse|resolvelib [DIR] [--json FILE]\n");
    return 2;
  }
  const dir = resolve(dirArg ?? join(SHARED, "conformance", suite));
  const print = (r: CaseResult) => {
    if (r.status === "different")
      process.stdout.write(`DIFFERENT ${r.name}: ${r.detail ?? `expected ${r.expected}; got ${r.got}`}\n`);
    else if (r.status !== "passed")
      process.stdout.write(`${r.status.toUpperCase()} ${r.name}: expected ${r.expected}; got ${r.got}\n`);
  };
  const results =
    suite === "packse"
      ? await runPackse(dir, print)
      : await runResolvelib(dir, join(SHARED, "data", "pypi-snapshots"), print);
  const passed = results.filter((r) => r.status === "passed").length;
  const failed = results.filter((r) => r.status === "failed").length;
  const different = results.filter((r) => r.status === "different").length;
  process.stdout.write(
    `${passed} passed, ${failed} failed${suite === "resolvelib" ? `, ${different} different` : ""}\n`,
  );
  if (jsonFile) writeFileSync(jsonFile, JSON.stringify(results, null, 2) + "\n");
  return failed > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`error: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 2;
  },
);
