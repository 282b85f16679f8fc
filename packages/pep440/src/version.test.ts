import { describe, expect, test } from "vitest";
import { ParseError } from "@lockstep/errors";
import { Version, compareVersions } from "./index";
import { baseMax, localMax } from "./version";

// PEP 440's own examples, in ascending order (versions on one line compare equal).
const SORTED: readonly (readonly string[])[] = [
  ["0.dev0"],
  ["1.0.dev456"],
  ["1.0a1"],
  ["1.0a2.dev456"],
  ["1.0a12.dev456"],
  ["1.0a12"],
  ["1.0b1.dev456"],
  ["1.0b2"],
  ["1.0b2.post345.dev456"],
  ["1.0b2.post345"],
  ["1.0rc1.dev456"],
  ["1.0rc1", "1.0c1", "1.0pre1"],
  ["1.0", "1.0.0", "1"],
  ["1.0+abc.5"],
  ["1.0+abc.7"],
  ["1.0+5"],
  ["1.0.post456.dev34"],
  ["1.0.post456"],
  ["1.0.15"],
  ["1.1.dev1"],
  ["2021.1"],
  ["1!0.1"],
];

describe("ordering", () => {
  const flat = SORTED.flatMap((group, rank) => group.map((s) => [s, rank] as const));
  test.each(flat.flatMap(([a, ra]) => flat.map(([b, rb]) => [a, b, Math.sign(ra - rb)] as const)))(
    "compare(%s, %s) = %d",
    (a, b, expected) => {
      expect(compareVersions(Version.parse(a), Version.parse(b))).toBe(expected);
    },
  );

  test.each([
    ["1.0", "1.0+∞", "1.0.post0.dev0"],
    ["1.0+zzz.999", "1.0+∞", "1.0.post0.dev0"],
    ["1.0.post99999999+x", "1.0.post∞", "1.0.0.1"],
    ["1.0+5", "1.0.post∞", "1.1.dev0"],
  ])("markers: %s < %s < %s", (a, marker, b) => {
    const m = marker.endsWith("post∞") ? baseMax(Version.parse("1.0")) : localMax(Version.parse("1.0"));
    expect(m.toString()).toBe(marker);
    expect(compareVersions(Version.parse(a), m)).toBe(-1);
    expect(compareVersions(m, Version.parse(a))).toBe(1);
    expect(compareVersions(m, Version.parse(b))).toBe(-1);
  });

  test.each([
    ["1.0.0.0.0.1", "1.0.0.0.0.2"],
    ["2097152.0", "2097153"],
    ["1.0a16384", "1.0a16385"],
    ["1.0.post131071", "1.0.post131072"],
    ["1.0.dev524287", "1.0.dev524288"],
    ["1.0.dev524286", "1.0.dev524287"],
    ["1.0.dev999999", "1.0a0"],
    ["1!1.0", "2!0.1"],
  ])("past the packed range: %s < %s", (a, b) => {
    expect(compareVersions(Version.parse(a), Version.parse(b))).toBe(-1);
    expect(compareVersions(Version.parse(b), Version.parse(a))).toBe(1);
  });
});

describe("normalization", () => {
  test.each([
    ["1.0", "1.0"],
    ["v1.0", "1.0"],
    ["  1.0\n", "1.0"],
    ["1.0RC1", "1.0rc1"],
    ["1.0c1", "1.0rc1"],
    ["1.0-preview-2", "1.0rc2"],
    ["1.0alpha", "1.0a0"],
    ["1.0.beta.3", "1.0b3"],
    ["1.0a-", "1.0a0"],
    ["1.0-1", "1.0.post1"],
    ["1.0_r", "1.0.post0"],
    ["1.0.rev5", "1.0.post5"],
    ["1.0.post", "1.0.post0"],
    ["1.0-dev", "1.0.dev0"],
    ["1.0dev_3", "1.0.dev3"],
    ["01.002.0003", "1.2.3"],
    ["0!1.0", "1.0"],
    ["1!2.0.post1.dev3+ABC.05", "1!2.0.post1.dev3+abc.5"],
    ["1.0+ubuntu-1_2", "1.0+ubuntu.1.2"],
    ["1.0a1.post2.dev3", "1.0a1.post2.dev3"],
  ])("%j -> %s", (input, normalized) => {
    expect(Version.parse(input).toString()).toBe(normalized);
  });

  test.each([
    [
      "1.0rc1",
      { epoch: 0, release: [1, 0], pre: ["rc", 1], post: undefined, dev: undefined, local: undefined },
    ],
    ["1!2.3.post4.dev5+a.6", { epoch: 1, release: [2, 3], pre: undefined, post: 4, dev: 5, local: ["a", 6] }],
  ])("fields of %s", (input, fields) => {
    const v = Version.parse(input);
    expect({
      epoch: v.epoch,
      release: v.release,
      pre: v.pre,
      post: v.post,
      dev: v.dev,
      local: v.local,
    }).toEqual(fields);
  });

  test.each([
    ["1.0", false, false, false, false, 1, 0, 0],
    ["1.2.3a1", true, false, false, false, 1, 2, 3],
    ["2.dev1", true, true, false, false, 2, 0, 0],
    ["1.0.post1", false, false, true, false, 1, 0, 0],
    ["1.0+abc", false, false, false, true, 1, 0, 0],
  ])("%s: pre %s dev %s post %s local %s, %d.%d.%d", (input, pre, dev, post, local, major, minor, micro) => {
    const v = Version.parse(input);
    expect([v.isPrerelease, v.isDevrelease, v.isPostrelease, v.isLocal, v.major, v.minor, v.micro]).toEqual([
      pre,
      dev,
      post,
      local,
      major,
      minor,
      micro,
    ]);
  });

  test("withoutLocal and equals", () => {
    expect(Version.parse("1.0+abc").withoutLocal().toString()).toBe("1.0");
    expect(Version.parse("1.0").equals(Version.parse("1.0.0"))).toBe(true);
    expect(Version.parse("1.0").equals(Version.parse("1.0+0"))).toBe(false);
  });
});

describe("errors", () => {
  test.each([
    ["", 'Failed to parse version "": expected a version number, found the end\n\n^'],
    ["1.0.x", 'Failed to parse version "1.0.x": unexpected character "."\n1.0.x\n   ^'],
    ["1.0+", 'Failed to parse version "1.0+": expected a local version label after "+"\n1.0+\n    ^'],
    ["1!", 'Failed to parse version "1!": expected a release number after the epoch\n1!\n  ^'],
    ["1.0 2", 'Failed to parse version "1.0 2": unexpected character " "\n1.0 2\n   ^'],
    ["abc", 'Failed to parse version "abc": expected a version number\nabc\n^'],
    [
      "1.99999999999999999",
      'Failed to parse version "1.99999999999999999": number 99999999999999999 is too large (above 2^53-1)\n1.99999999999999999\n  ^^^^^^^^^^^^^^^^^',
    ],
  ])("%j", (input, message) => {
    let error: unknown;
    try {
      Version.parse(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ParseError);
    expect((error as ParseError).code).toBe("version-invalid");
    expect((error as ParseError).message).toBe(message);
    expect(Version.tryParse(input)).toBeUndefined();
  });
});
