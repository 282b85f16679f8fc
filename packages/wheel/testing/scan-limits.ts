/**
 * Checks the default archive limits against real wheels: opens every `.whl` in the directories
 * given (the central directory only, nothing is inflated) and prints the wheels refused, the largest
 * entry counts and totals, and the highest per-entry ratios above 1 MiB and above the ratio floor.
 * Not a test: run by hand, quoted in docs/reliability.md.
 *
 *   npx tsx packages/wheel/testing/scan-limits.ts /opt/pypi/files /opt/pypi-more/files /opt/wheels
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_ARCHIVE_LIMITS, ZipFile } from "../src/zip-stream";

const ratios: Array<{ ratio: number; where: string; size: number }> = [];
let wheels = 0;
let maxEntries = 0;
let maxTotal = 0;
const refused: string[] = [];
for (const dir of process.argv.slice(2)) {
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    continue;
  }
  for (const f of names.filter((n) => n.endsWith(".whl"))) {
    wheels++;
    let zip: ZipFile;
    try {
      zip = ZipFile.open(join(dir, f), { label: f });
    } catch (error) {
      refused.push((error as Error).message);
      continue;
    }
    let total = 0;
    for (const e of zip.entries) {
      total += e.uncompressedSize;
      if (e.uncompressedSize > 1024 * 1024) {
        ratios.push({
          ratio: e.uncompressedSize / Math.max(1, e.compressedSize),
          where: `${f}!${e.name}`,
          size: e.uncompressedSize,
        });
      }
    }
    maxEntries = Math.max(maxEntries, zip.entries.length);
    maxTotal = Math.max(maxTotal, total);
    zip.close();
  }
}
ratios.sort((a, b) => b.ratio - a.ratio);
const top = (list: typeof ratios) =>
  list.slice(0, 3).map((r) => `${r.ratio.toFixed(1)}:1 ${r.size} bytes ${r.where}`);
process.stdout.write(
  `${JSON.stringify(
    {
      wheels,
      refused,
      maxEntries,
      maxTotalGiB: +(maxTotal / 1024 ** 3).toFixed(2),
      topRatiosOver1MiB: top(ratios),
      topRatiosOverFloor: top(ratios.filter((r) => r.size > DEFAULT_ARCHIVE_LIMITS.ratioFloor)),
    },
    null,
    2,
  )}\n`,
);
