/**
 * One version of a package on two indexes, split by marker: `torchlike` 1.0 on a `cpu` index (needs
 * `helper<2`) and on a `cu` index (needs `helper>=2`), and a default index with `torchlike` 3.0,
 * both `helper`s and `vision` (which needs `torchlike`). The project routes `torchlike` to `cpu` on
 * Linux and to `cu` on Windows, so the lock holds two entries of one name and version (PEP 751
 * then requires dependents to tell them apart).
 */
import { serveUniverse } from "@lockstep/fixtures";
import type { IndexServer } from "@lockstep/fixtures";
import { writePyproject } from "@lockstep/project/testing";

export interface TwinIndexes {
  cpu: IndexServer;
  cu: IndexServer;
  main: IndexServer;
}

/** Serve the three indexes; universe names start with `prefix` (one per test file keeps builds apart). */
export async function serveTwinIndexes(prefix: string): Promise<TwinIndexes> {
  const cpu = await serveUniverse({
    name: `${prefix}-cpu`,
    packages: { torchlike: { versions: { "1.0": { requiresDist: ["helper<2"] } } } },
  });
  const cu = await serveUniverse({
    name: `${prefix}-cu`,
    packages: { torchlike: { versions: { "1.0": { requiresDist: ["helper>=2"] } } } },
  });
  const main = await serveUniverse({
    name: `${prefix}-main`,
    packages: {
      torchlike: { versions: { "3.0": {} } },
      helper: { versions: { "1.0": {}, "2.0": {} } },
      vision: { versions: { "1.0": { requiresDist: ["torchlike"] } } },
    },
  });
  return { cpu, cu, main };
}

/** `torchlike` from `cpu` on Linux and from `cu` on Windows: `[tool.lockstep.sources]` lines. */
export const TWIN_SOURCES: readonly string[] = [
  "torchlike = [",
  '  { index = "cpu", marker = "sys_platform == \'linux\'" },',
  '  { index = "cu", marker = "sys_platform == \'win32\'" },',
  "]",
];

/**
 * Write `dir/pyproject.toml` for project `name` with `dependencies`, the `cpu` and `cu` indexes as
 * explicit indexes and `sources` (by default `torchlike` split between them by `sys_platform`).
 */
export function writeTwinProject(
  dir: string,
  indexes: Pick<TwinIndexes, "cpu" | "cu">,
  name: string,
  dependencies: string[],
  sources: readonly string[] = TWIN_SOURCES,
): string {
  const extra = [
    "",
    "[[tool.lockstep.index]]",
    'name = "cpu"',
    `url = "${indexes.cpu.url}"`,
    "explicit = true",
    "",
    "[[tool.lockstep.index]]",
    'name = "cu"',
    `url = "${indexes.cu.url}"`,
    "explicit = true",
    "",
    "[tool.lockstep.sources]",
    ...sources,
    "",
  ];
  return writePyproject(dir, name, dependencies, extra.join("\n"));
}
