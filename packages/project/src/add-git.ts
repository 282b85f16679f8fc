/**
 * `lockstep add git+https://host/repo.git@v1`: as uv does, the dependency is written by name and
 * the repository goes to `[tool.lockstep.sources]` (`name = { git = "https://host/repo.git", tag =
 * "v1" }`, with `branch`/`rev` when the revision is one of those, and `subdirectory`).
 *
 * The name is read from the checkout's pyproject.toml `[project] name` (fetched through the git
 * cache, so the lock that follows needs no second fetch), else from prepared metadata; whether the
 * revision is a tag, a branch or a commit is asked of the fetched repository.
 *
 * Pitfalls: the URL written to pyproject.toml keeps credentials only if the user typed them (it is
 * their file), but messages redact them; the sources edit is undone with the rest of the edit when
 * locking fails (`restore`).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GitCache, parseGitUrl } from "@lockstep/build/git";
import { LockstepError } from "@lockstep/errors";
import { redact } from "@lockstep/index/auth";
import { inlineTable, readProject, setSource } from "@lockstep/pyproject";
import { locateProject } from "./find-project";

export interface GitAdditions {
  /** The requirements with each bare `git+…` argument replaced by the package's name. */
  requirements: string[];
  /** Put pyproject.toml back as it was before the sources were written. */
  restore(): void;
}

/** Write a source for every bare `git+…` argument in `items`, returning what `add` should add. */
export async function prepareGitAdditions(opts: {
  items: readonly string[];
  project?: string | undefined;
  cwd?: string | undefined;
  cacheDir: string;
  offline?: boolean | undefined;
}): Promise<GitAdditions> {
  const gitItems = opts.items.filter((i) => i.startsWith("git+"));
  if (gitItems.length === 0) return { requirements: [...opts.items], restore: () => {} };
  const located = locateProject({ project: opts.project, cwd: opts.cwd });
  const path = join(located.workspace.current.root, "pyproject.toml");
  const original = readFileSync(path);
  let text = original.toString("utf8");
  const cache = new GitCache({ cacheDir: opts.cacheDir, offline: opts.offline });
  const names = new Map<string, string>();
  for (const item of gitItems) {
    const spec = parseGitUrl(item);
    const commit = await cache.resolve({ repository: spec.repository, revision: spec.revision });
    const checkout = await cache.checkout(spec.repository, commit);
    const tree = spec.subdirectory === undefined ? checkout : join(checkout, spec.subdirectory);
    const pyproject = join(tree, "pyproject.toml");
    const name = existsSync(pyproject) ? readProject(pyproject).name : undefined;
    if (name === undefined) {
      throw new LockstepError(
        "git-add-name-unknown",
        `Cannot tell the package name of ${redact(item)}: its pyproject.toml declares no [project] name`,
        { hint: `add it as \`NAME @ ${redact(item)}\`` },
      );
    }
    const entries: [string, string][] = [["git", spec.repository]];
    if (spec.revision.kind !== "default") {
      entries.push([await cache.kindOf(spec.repository, spec.revision.value), spec.revision.value]);
    }
    if (spec.subdirectory !== undefined) entries.push(["subdirectory", spec.subdirectory]);
    text = setSource(text, name, inlineTable(entries));
    names.set(item, name);
  }
  writeFileSync(path, text);
  return {
    requirements: opts.items.map((i) => names.get(i) ?? i),
    restore: () => writeFileSync(path, original),
  };
}
