/**
 * Running the real CLI in tests: the bundle is built once into a temporary directory (so concurrent
 * runs never share `dist/`) and spawned asynchronously — the fixture index server lives in the test
 * process, so a synchronous spawn would block it and deadlock.
 */
import { spawn } from "node:child_process";
import { appendFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const CLI_DIR = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Declare the fixture index as the project's default index, so every command finds it without flags. */
export function declareFixtureIndex(project: string, url: string): string {
  const file = join(project, "pyproject.toml");
  appendFileSync(file, `\n[[tool.lockstep.index]]\nname = "fixture"\nurl = "${url}"\ndefault = true\n`);
  return file;
}
export {
  copyExampleApp,
  EXAMPLE_APP,
  EXAMPLE_UNIVERSE,
  installedDistributions,
  pipInstallRequirements,
  REPO_ROOT,
  writePyproject,
} from "@lockstep/project/testing";

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(
  command: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Build the bundle into a fresh temporary directory; returns the entry file and esbuild's metafile. */
export async function buildBundle(): Promise<{
  entry: string;
  metafile: { outputs: Record<string, { inputs: Record<string, unknown> }> };
}> {
  const outdir = mkdtempSync(join(tmpdir(), "lockstep-cli-bundle-"));
  const res = await run(
    process.execPath,
    [join(CLI_DIR, "build.mjs"), "--quiet", "--metafile", "--outdir", outdir],
    { cwd: CLI_DIR },
  );
  if (res.code !== 0) throw new Error(`bundling failed:\n${res.stderr}`);
  return {
    entry: join(outdir, "lockstep.mjs"),
    metafile: JSON.parse(res.stdout) as Awaited<ReturnType<typeof buildBundle>>["metafile"],
  };
}
