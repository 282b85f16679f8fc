import { LockstepError } from "@lockstep/errors";
import { describe, expect, test } from "vitest";
import { checkRequiredVersion, normalizeRequiredVersion } from "./required-version";

describe("normalizeRequiredVersion", () => {
  test.each([
    [">=0.4", ">=0.4"],
    [">=0.4, <1", ">=0.4 <1"],
    ["==0.5.1", "=0.5.1"],
    ["^1.2", "^1.2"],
    ["0.4.x || >=1", "0.4.x || >=1"],
    ["~=0.4", undefined],
    ["!=1", undefined],
    ["not a range", undefined],
    ["", undefined],
  ])("%j -> %j", (text, expected) => {
    expect(normalizeRequiredVersion(text)).toBe(expected);
  });
});

describe("checkRequiredVersion", () => {
  test.each([
    [undefined, "0.1.0", true],
    [">=0.4 <1", "0.4.0", true],
    [">=0.4 <1", "0.9.9", true],
    [">=0.4 <1", "1.0.0", false],
    [">=0.4 <1", "0.3.9", false],
    [">=0.4", "0.5.0-dev.1", true],
  ])("%j with %s: ok=%s", (range, version, ok) => {
    const run = (): void => checkRequiredVersion({ requiredVersion: range }, version);
    if (ok) expect(run).not.toThrow();
    else expect(run).toThrow(LockstepError);
  });

  test("message", () => {
    expect(() =>
      checkRequiredVersion({ requiredVersion: ">=2" }, "1.0.0"),
    ).toThrowErrorMatchingInlineSnapshot(
      `[LockstepError: this project requires lockstep >=2, but this is lockstep 1.0.0]`,
    );
  });
});
