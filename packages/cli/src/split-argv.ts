/**
 * `lockstep [GLOBAL…] run [RUN-FLAGS…] [--] CMD ARGS…`: everything after the command's name belongs
 * to the command, so `lockstep run pytest -x`, `run python --version` and `run python -h` reach the
 * child, while flags before CMD (global ones included, before or after `run`) are lockstep's. The
 * split happens before yargs sees the argv: yargs would otherwise act on the child's `--help` and
 * `--version` itself.
 *
 * Pitfalls: a flag that takes a value consumes the next word (`--project run run python` runs
 * `python` in the project `run`), so the scanner must know every value-taking flag that may come
 * before `run` (globals and run's own); `--flag=value` consumes nothing; the first `--` ends
 * lockstep's flags; a lone `-` is a word.
 */

export interface SplitArgv {
  /** What yargs parses: the globals, `run` and run's own flags (`--` dropped). */
  lockstep: string[];
  /** `run`'s command and its arguments; undefined when the command is not `run`. */
  command: string[] | undefined;
}

function isFlag(tok: string): boolean {
  return tok.startsWith("-") && tok !== "-";
}

/** Whether `tok` is a flag that takes the next word as its value. */
function takesValue(tok: string, valueFlags: readonly string[]): boolean {
  if (tok.includes("=")) return false;
  if (tok.startsWith("--")) return valueFlags.includes(tok.slice(2));
  // `-p 3.12`: a single short flag; a bundle such as `-vq` takes no value.
  return tok.length === 2 && valueFlags.includes(tok.slice(1));
}

/** Split argv at `run`'s command; other commands' argv is returned whole. */
export function splitArgv(argv: readonly string[], valueFlags: readonly string[]): SplitArgv {
  let i = 0;
  for (; i < argv.length; i++) {
    const tok = argv[i] as string;
    if (tok === "--") return { lockstep: [...argv], command: undefined };
    if (!isFlag(tok)) break;
    if (takesValue(tok, valueFlags)) i++;
  }
  if (argv[i] !== "run") return { lockstep: [...argv], command: undefined };
  for (let j = i + 1; j < argv.length; j++) {
    const tok = argv[j] as string;
    if (tok === "--") return { lockstep: argv.slice(0, j), command: argv.slice(j + 1) };
    if (!isFlag(tok)) return { lockstep: argv.slice(0, j), command: argv.slice(j) };
    if (takesValue(tok, valueFlags)) j++;
  }
  return { lockstep: [...argv], command: [] };
}
