/**
 * The lines a sync prints, as uv prints them: `Uninstalled 2 packages in 3ms`, `Installed 12 packages
 * in 94ms`, then one line per change, ` - name==version` / ` + name==version`, sorted by name with a
 * removal before the install that replaces it. Pure: the CLI decides where the text goes.
 */

export interface SyncChange {
  name: string;
  version: string;
  op: "+" | "-";
}

export interface SyncSummary {
  installed: { name: string; version: string }[];
  uninstalled: { name: string; version: string }[];
  installMs: number;
  uninstallMs: number;
}

/** `94ms` below a second, `1.24s` from there on. */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(2)}s`;
}

const plural = (n: number) => `${n} package${n === 1 ? "" : "s"}`;

/** Every change, sorted by name, `-` before `+`. */
export function syncChanges(s: SyncSummary): SyncChange[] {
  const changes: SyncChange[] = [
    ...s.uninstalled.map((d) => ({ ...d, op: "-" as const })),
    ...s.installed.map((d) => ({ ...d, op: "+" as const })),
  ];
  return changes.sort((a, b) =>
    a.name !== b.name ? (a.name < b.name ? -1 : 1) : a.op === b.op ? 0 : a.op === "-" ? -1 : 1,
  );
}

export function formatSyncSummary(s: SyncSummary): string {
  const lines: string[] = [];
  if (s.uninstalled.length > 0)
    lines.push(`Uninstalled ${plural(s.uninstalled.length)} in ${formatDuration(s.uninstallMs)}`);
  if (s.installed.length > 0)
    lines.push(`Installed ${plural(s.installed.length)} in ${formatDuration(s.installMs)}`);
  for (const c of syncChanges(s)) lines.push(` ${c.op} ${c.name}==${c.version}`);
  return lines.join("\n");
}
