/**
 * Compares the streaming unpack with another implementation of `unpackWheel` (e.g. the in-memory
 * one of an older commit) on real wheels: every file's name, mode and sha256 must be the same, and a
 * wheel refused by one must be refused by the other. Not a test: run by hand, quoted in
 * docs/reliability.md.
 *
 *   git archive 2d55c71 packages/wheel | tar -x -C /tmp/old
 *   ln -s "$PWD/packages/wheel/node_modules" /tmp/old/packages/wheel/node_modules
 *   npx tsx packages/wheel/testing/compare-unpack.ts /tmp/old/packages/wheel/src/install-unpack.ts 120 \
 *     /opt/pypi/files /opt/pypi-more/files /opt/wheels
 *
 * The second argument is how many wheels to sample (evenly, by name, among those under 40 MB).
 */
import { createHash } from "node:crypto";
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { unpackWheel } from "../src/install-unpack";

type Unpack = (archive: string, cache: string) => string | Promise<string>;

function tree(root: string, dir = root, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = lstatSync(path);
    if (st.isDirectory()) tree(root, path, out);
    else
      out.push(
        `${relative(root, path)} ${(st.mode & 0o777).toString(8)} ${createHash("sha256").update(readFileSync(path)).digest("hex")}`,
      );
  }
  return out.sort();
}

async function outcome(unpack: Unpack, wheel: string): Promise<string[] | string> {
  const cache = mkdtempSync(join(tmpdir(), "ls-compare-"));
  try {
    return tree(await unpack(wheel, cache));
  } catch (error) {
    return `refused: ${(error as Error).message.split("\n")[0]}`;
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}

const [oldModule, count, ...dirs] = process.argv.slice(2);
const other = ((await import(oldModule!)) as { unpackWheel: Unpack }).unpackWheel;
const wheels = dirs
  .flatMap((d) => {
    try {
      return readdirSync(d).map((f) => join(d, f));
    } catch {
      return [];
    }
  })
  .filter((f) => f.endsWith(".whl") && statSync(f).size < 40 * 1024 * 1024)
  .sort();
const step = Math.max(1, Math.floor(wheels.length / Number(count ?? 100)));
const tally = { compared: 0, same: 0, different: 0, files: 0, archiveMB: 0 };
for (let i = 0; i < wheels.length; i += step) {
  const wheel = wheels[i]!;
  const [a, b] = [await outcome(other, wheel), await outcome(unpackWheel, wheel)];
  tally.compared++;
  if (JSON.stringify(a) === JSON.stringify(b)) {
    tally.same++;
    tally.files += typeof a === "string" ? 0 : a.length;
    tally.archiveMB += statSync(wheel).size / 1e6;
  } else {
    tally.different++;
    process.stdout.write(
      `DIFFERENT ${wheel}: ${JSON.stringify(a).slice(0, 200)} vs ${JSON.stringify(b).slice(0, 200)}\n`,
    );
  }
}
process.stdout.write(`${JSON.stringify({ ...tally, archiveMB: Math.round(tally.archiveMB) })}\n`);
