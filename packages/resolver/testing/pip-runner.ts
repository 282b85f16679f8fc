/**
 * pip as the referee: `pip install --dry-run --ignore-installed --report` against a loopback index,
 * in an environment that can only see that index (every `PIP_*` variable dropped,
 * `PIP_CONFIG_FILE=/dev/null`, `--isolated`). Tests pass `--no-cache-dir`; the benchmark passes
 * its own private `--cache-dir`, warmed by a first run, so pip is measured warm as lockstep is.
 *
 * The outcome is classified: `solved` (with the chosen name → version), `no-solution` (pip's
 * ResolutionImpossible or "No matching distribution"), or `error` (anything else, e.g. pip's own
 * "resolution too deep"), so a test can tell "pip says no" from "pip broke".
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { canonicalizeName } from "@lockstep/pep508";
import { cleanPipEnv, run } from "@lockstep/fixtures";

export interface PipOutcome {
  kind: "solved" | "no-solution" | "error";
  /** Canonical name → version (solved only). */
  chosen: Map<string, string>;
  code: number;
  stderr: string;
  wallMs: number;
}

/** The current environment without any `PIP_*` variable, and with no pip config file. */
export const isolatedPipEnv = cleanPipEnv;

interface ReportShape {
  install?: Array<{ metadata?: { name?: string; version?: string } }>;
}

export interface PipRunOptions {
  /** A private pip cache directory (benchmarks); default `--no-cache-dir`. */
  cacheDir?: string;
}

/** Resolve `requirements` with pip against `indexUrl` (no install, no installed packages considered). */
export async function pipResolve(
  indexUrl: string,
  requirements: readonly string[],
  options: PipRunOptions = {},
): Promise<PipOutcome> {
  const dir = await mkdtemp(join(tmpdir(), "lockstep-pip-"));
  const reportPath = join(dir, "report.json");
  const cache = options.cacheDir === undefined ? ["--no-cache-dir"] : ["--cache-dir", options.cacheDir];
  const args = [
    "-m",
    "pip",
    "install",
    "--isolated",
    ...cache,
    "--disable-pip-version-check",
    "--no-input",
    "--index-url",
    indexUrl,
    "--dry-run",
    "--ignore-installed",
    "--quiet",
    "--report",
    reportPath,
    ...requirements,
  ];
  const started = performance.now();
  try {
    // `run` uses the clean pip environment by default.
    const result = await run("python3", args);
    const wallMs = performance.now() - started;
    const chosen = new Map<string, string>();
    if (result.code === 0) {
      const report = JSON.parse(await readFile(reportPath, "utf8")) as ReportShape;
      for (const item of report.install ?? []) {
        const name = item.metadata?.name;
        const version = item.metadata?.version;
        if (name === undefined || version === undefined) continue;
        chosen.set(canonicalizeName(name), version);
      }
      return { kind: "solved", chosen, code: 0, stderr: result.stderr, wallMs };
    }
    const text = result.stderr + result.stdout;
    const impossible = /ResolutionImpossible|No matching distribution found|conflicting dependencies/.test(
      text,
    );
    return { kind: impossible ? "no-solution" : "error", chosen, code: result.code, stderr: text, wallMs };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
