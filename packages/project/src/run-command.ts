/**
 * What `lockstep run` needs besides a sync: splitting its argv into lockstep's flags and the command
 * (yargs would read the command's own flags as lockstep's), the child's environment (the venv's
 * `bin/` first on PATH, `VIRTUAL_ENV` set, `PYTHONHOME` unset), and running the child with stdio
 * inherited, passing its exit code and signals through.
 *
 * Pitfalls: lockstep's flags come before the command; a flag that takes a value takes exactly one
 * (repeat `--extra` for several); `--` ends lockstep's flags; while the child runs, lockstep ignores
 * SIGINT/SIGQUIT (the terminal sends them to the child too) and forwards SIGTERM/SIGHUP; a child
 * killed by a signal gives exit code 128 + its number, as a shell reports it.
 */
import { spawn } from "node:child_process";
import { constants } from "node:os";
import { delimiter } from "node:path";
import { LockstepError } from "@lockstep/errors";

/** Split `… run [flags] CMD ARGS…` into lockstep's flags and the command. */
export function splitRunArgv(
  argv: readonly string[],
  valueFlags: readonly string[],
): { flags: string[]; command: string[] } {
  const at = argv.indexOf("run");
  const rest = at < 0 ? [...argv] : argv.slice(at + 1);
  const flags: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const tok = rest[i] as string;
    if (tok === "--") return { flags, command: rest.slice(i + 1) };
    if (!tok.startsWith("-") || tok === "-") return { flags, command: rest.slice(i) };
    flags.push(tok);
    const name = tok.replace(/^--?/, "");
    if (!name.includes("=") && valueFlags.includes(name) && i + 1 < rest.length)
      flags.push(rest[++i] as string);
  }
  return { flags, command: [] };
}

/** The environment a command runs in: the venv activated. */
export function venvEnvironment(
  venv: { root: string; bin: string },
  base: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, VIRTUAL_ENV: venv.root };
  delete env.PYTHONHOME;
  const pathKey = Object.keys(env).find((k) => k.toUpperCase() === "PATH") ?? "PATH";
  env[pathKey] = env[pathKey] ? `${venv.bin}${delimiter}${env[pathKey]}` : venv.bin;
  return env;
}

const IGNORED: NodeJS.Signals[] = ["SIGINT", "SIGQUIT"];
const FORWARDED: NodeJS.Signals[] = ["SIGTERM", "SIGHUP"];

/** Run `command` with stdio inherited; resolves to its exit code (128 + signal number when killed). */
export function runCommand(
  command: readonly string[],
  env: NodeJS.ProcessEnv,
  cwd?: string,
): Promise<number> {
  const [file, ...args] = command;
  if (file === undefined) return Promise.reject(new LockstepError("run-no-command", "No command given"));
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: "inherit", env, ...(cwd ? { cwd } : {}) });
    const ignore = () => {};
    const forward = (sig: NodeJS.Signals) => child.kill(sig);
    for (const s of IGNORED) process.on(s, ignore);
    for (const s of FORWARDED) process.on(s, forward);
    const cleanup = () => {
      for (const s of IGNORED) process.off(s, ignore);
      for (const s of FORWARDED) process.off(s, forward);
    };
    child.on("error", (err: NodeJS.ErrnoException) => {
      cleanup();
      reject(
        new LockstepError(
          "run-spawn-failed",
          `Failed to spawn: \`${file}\`: ${err.code === "ENOENT" ? "No such file or directory" : err.message}`,
          {
            hint:
              err.code === "ENOENT" ? "is it installed in the project's environment, or on PATH?" : undefined,
          },
        ),
      );
    });
    child.on("exit", (code, signal) => {
      cleanup();
      resolve(code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : 1));
    });
  });
}
