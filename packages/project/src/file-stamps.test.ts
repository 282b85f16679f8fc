/**
 * File stamps stand for a file's bytes only while nothing has touched the file, and are only taken
 * for files that had settled (by the file system's clock) and hash as recorded.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { fileStamp, sameStamp, settledStamps } from "./file-stamps";

const sha = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

function files() {
  const dir = mkdtempSync(join(tmpdir(), "lockstep-stamps-"));
  const a = join(dir, "a.toml");
  const b = join(dir, "b.toml");
  writeFileSync(a, "alpha\n");
  writeFileSync(b, "beta\n");
  const probe = join(dir, "state.tmp");
  // A later tick of the file system's clock than the files'.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 30);
  writeFileSync(probe, "{}\n");
  return { a, b, probe };
}

describe("settledStamps", () => {
  test("stamps the files that hash as recorded, once settled", () => {
    const { a, b, probe } = files();
    const stamps = settledStamps(
      [
        [a, sha(a)],
        [b, "not the hash of b"],
      ],
      probe,
      sha,
      0n,
    );
    expect(Object.keys(stamps)).toEqual([a]);
    expect(stamps[a]).toBe(fileStamp(a));
  });

  test("a file changed within the window before the probe is not stamped (a later change could keep its times)", () => {
    const { a, probe } = files();
    expect(settledStamps([[a, sha(a)]], probe, sha, 60_000_000_000n)).toEqual({});
  });

  test("a file changed after the probe (its times ahead of the probe's) is not stamped", () => {
    const { a, probe } = files();
    const future = new Date(Date.now() + 60_000);
    utimesSync(a, future, future);
    expect(settledStamps([[a, sha(a)]], probe, sha, 0n)).toEqual({});
  });

  test("a file changed in the probe's own tick is not stamped", () => {
    const { probe } = files();
    // The probe itself: changed exactly at the probe's time.
    expect(settledStamps([[probe, sha(probe)]], probe, sha, 0n)).toEqual({});
  });

  test("nothing is stamped without a probe", () => {
    const { a } = files();
    expect(settledStamps([[a, sha(a)]], join(a, "..", "missing"), sha, 0n)).toEqual({});
  });
});

describe("sameStamp", () => {
  const cases: [string, (path: string) => void, boolean][] = [
    ["untouched", () => {}, true],
    ["rewritten with the same bytes", (p) => writeFileSync(p, readFileSync(p)), false],
    [
      "rewritten with other bytes of the same size, mtime put back",
      (p) => {
        const st = statSync(p);
        writeFileSync(p, "ALPHA\n");
        utimesSync(p, st.atime, st.mtime);
      },
      false,
    ],
    ["emptied", (p) => writeFileSync(p, ""), false],
  ];
  test.each(cases)("%s → %s", (_name, change, same) => {
    const { a } = files();
    const stamp = fileStamp(a);
    // Past the file system clock's tick (a few ms): a change within the same tick is the racy case
    // that settledStamps' window exists for.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 30);
    change(a);
    expect(sameStamp(a, stamp)).toBe(same);
  });

  test("no recorded stamp is never the same", () => {
    const { a } = files();
    expect(sameStamp(a, undefined)).toBe(false);
  });
});
