/**
 * The progress line (progress.ts) drawn into a string with a fake clock: bytes and counts on the
 * download line, at most one redraw per 100 ms with the latest line winning, erased by `clear`, and
 * nothing at all when progress is off.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { createProgress, formatBytes, NO_PROGRESS, REDRAW_MS } from "./progress";

const ERASE = "\r\x1b[2K";

function drawn(progress = true) {
  let clock = 0;
  const frames: string[] = [];
  const p = createProgress(
    { stdout: () => {}, stderr: () => {}, progress },
    (t) => void frames.push(t),
    () => clock,
  );
  return {
    p,
    frames,
    tick: (ms: number) => {
      clock += ms;
      vi.advanceTimersByTime(ms);
    },
  };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

test.each([
  [0, "0 B"],
  [1023, "1023 B"],
  [1024, "1.0 KiB"],
  [12.3 * 1024 * 1024, "12.3 MiB"],
  [1.5 * 1024 ** 3, "1.5 GiB"],
])("formatBytes(%d) = %s", (n, text) => {
  expect(formatBytes(n)).toBe(text);
});

describe("a sync's line", () => {
  test("downloads show a bar, bytes of the total and files of the total", () => {
    const { p, frames, tick } = drawn();
    p.expect("Downloading", 16, 40 * 1024 * 1024);
    p.step("Downloading", "numpy==2.1.0");
    expect(frames.at(-1)).toBe(`${ERASE}Downloading ╺─────────────────── 0 B/40.0 MiB 1/16 numpy==2.1.0`);
    tick(REDRAW_MS);
    p.bytes("Downloading", "numpy==2.1.0", 20 * 1024 * 1024, undefined);
    expect(frames.at(-1)).toBe(
      `${ERASE}Downloading ━━━━━━━━━━╺───────── 20.0 MiB/40.0 MiB 1/16 numpy==2.1.0`,
    );
  });

  test("without a byte total the transfers' own totals add up; without those, bytes stand alone", () => {
    const { p, frames, tick } = drawn();
    p.bytes("Downloading", "a", 512, 1024);
    expect(frames.at(-1)).toBe(`${ERASE}Downloading ━━━━━━━━━━╺───────── 512 B/1.0 KiB 0`);
    tick(REDRAW_MS);
    p.bytes("Downloading", "b", 2048, undefined);
    expect(frames.at(-1)).toBe(`${ERASE}Downloading 2.5 KiB 0`);
  });

  test("the first step line replaces the spinner at once", () => {
    const { p, frames, tick } = drawn();
    p.spin("Resolving dependencies…");
    tick(REDRAW_MS - 1);
    p.step("Installing", "a==1");
    expect(frames.at(-1)).toBe(`${ERASE}Installing 1 a==1`);
    tick(REDRAW_MS * 5);
    expect(frames.at(-1)).toBe(`${ERASE}Installing 1 a==1`);
  });

  test("the first line of a new step kind is drawn at once, inside the interval", () => {
    const { p, frames, tick } = drawn();
    p.step("Downloading", "a==1");
    tick(10);
    p.step("Downloading", "b==1");
    expect(frames.length).toBe(1);
    p.step("Installing", "a==1");
    expect(frames.length).toBe(2);
    expect(frames.at(-1)).toBe(`${ERASE}Installing 1 a==1`);
    tick(10);
    p.step("Installing", "b==1");
    expect(frames.length).toBe(2);
    tick(REDRAW_MS);
    expect(frames.length).toBe(3);
    expect(frames.at(-1)).toBe(`${ERASE}Installing 2 b==1`);
  });

  test("installs count against their total", () => {
    const { p, frames } = drawn();
    p.expect("Installing", 3);
    p.step("Installing", "yamlite==6.0.2");
    expect(frames.at(-1)).toBe(`${ERASE}Installing ━━━━━━━╺──────────── 1/3 yamlite==6.0.2`);
  });

  test("at most one redraw per interval; the latest line is drawn when it is up; clear drops it", () => {
    const { p, frames, tick } = drawn();
    p.expect("Downloading", 2, 2000);
    p.step("Downloading", "a==1");
    for (let i = 1; i <= 50; i++) {
      tick(5);
      p.bytes("Downloading", "a==1", i * 20, 1000);
    }
    // 250 ms of updates every 5 ms: the first line, then one per 100 ms; the last one waits.
    expect(frames.length).toBe(3);
    expect(frames.at(-1)).not.toContain(" 1000 B/");
    tick(REDRAW_MS);
    expect(frames.length).toBe(4);
    expect(frames.at(-1)).toContain(" 1000 B/2.0 KiB 1/2");
    p.bytes("Downloading", "a==1", 1000, 1000);
    p.step("Installing", "a==1");
    p.clear();
    expect(frames.at(-1)).toBe(ERASE);
    tick(REDRAW_MS * 3);
    expect(frames.at(-1)).toBe(ERASE);
  });
});

test("with progress off nothing is written", () => {
  const { p, frames, tick } = drawn(false);
  expect(p).toBe(NO_PROGRESS);
  p.spin("Resolving dependencies…");
  p.expect("Downloading", 1, 10);
  p.step("Downloading", "a==1");
  p.bytes("Downloading", "a==1", 5, 10);
  tick(1000);
  p.clear();
  expect(frames).toEqual([]);
});
