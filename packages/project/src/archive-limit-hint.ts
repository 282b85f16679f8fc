/**
 * A sync refused by an archive limit (issue 13) names the wheel and the limit (the wheel package's
 * message); this adds which setting raises it — `[tool.lockstep]` key and `LOCKSTEP_*` variable —
 * since the limit's own name (`maxEntries`) is not something a user can set.
 */
import { LockstepError } from "@lockstep/errors";
import { limitEnvName } from "@lockstep/pyproject";
import { SyncError } from "@lockstep/sync";
import { ArchiveLimitError } from "@lockstep/wheel";

const ARCHIVE_SETTING: Record<string, string> = {
  maxTotalSize: "max-archive-size",
  maxEntries: "max-archive-entries",
  maxRatio: "max-compression-ratio",
};

/**
 * A sync that failed because an archive limit refused a wheel, with a hint naming the setting that
 * raises that limit (the message, naming the file and the limit, is kept); anything else as is.
 */
export function withSettingHint(error: unknown): unknown {
  const refusals = error instanceof SyncError ? error.failures.map((f) => f.error) : [error];
  const keys = [
    ...new Set(
      refusals.flatMap((e) =>
        e instanceof ArchiveLimitError && ARCHIVE_SETTING[e.limit]
          ? [ARCHIVE_SETTING[e.limit] as string]
          : [],
      ),
    ),
  ];
  if (keys.length === 0 || !(error instanceof LockstepError)) return error;
  const raise = keys.map((k) => `\`${k} = …\` in [tool.lockstep] or ${limitEnvName(k)}`).join("; ");
  return new LockstepError(error.code, error.message, {
    cause: error,
    hint: `refused by the limit ${keys.join(", ")}; nothing from it was kept. If the archive is trusted, raise it: ${raise}`,
  });
}
