/** The logger: off without -v (no pino), levels by -v count, text and JSON lines, credentials redacted. */
import { describe, expect, test } from "vitest";
import { createLogger, NO_LOG } from "./logger";

async function lines(verbose: number, format: "text" | "json"): Promise<string[]> {
  const out: string[] = [];
  const log = await createLogger({ verbose, format, write: (l) => void out.push(l) });
  log.debug(
    { url: "https://user:secret@host/simple/a/", status: 200, ms: 12, cached: false },
    "index request",
  );
  log.info({ packages: 3, ms: 40 }, "resolved");
  log.warn({ headers: { authorization: "Basic abc" } }, "careful");
  return out;
}

describe("createLogger", () => {
  test("off without -v or json: the no-op logger", async () => {
    expect(await createLogger({ verbose: 0, format: "text" })).toBe(NO_LOG);
  });

  test.each([
    [1, ["INFO resolved packages=3 ms=40\n", 'WARN careful headers={"authorization":"****"}\n']],
    [
      2,
      [
        "DEBUG index request url=https://host/simple/a/ status=200 ms=12 cached=false\n",
        "INFO resolved packages=3 ms=40\n",
        'WARN careful headers={"authorization":"****"}\n',
      ],
    ],
  ])("-v × %i, text", async (verbose, expected) => {
    expect(await lines(verbose, "text")).toEqual(expected);
  });

  test("json: pino lines, redacted", async () => {
    const out = (await lines(2, "json")).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(out.map((r) => [r.level, r.msg])).toEqual([
      ["debug", "index request"],
      ["info", "resolved"],
      ["warn", "careful"],
    ]);
    expect(out[0]).toMatchObject({ url: "https://host/simple/a/", status: 200 });
    expect(typeof out[0]?.time).toBe("string");
    expect(JSON.stringify(out)).not.toContain("secret");
    expect(JSON.stringify(out)).not.toContain("Basic abc");
  });
});
