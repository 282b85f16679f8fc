import { describe, expect, test } from "vitest";
import { ParseError } from "@lockstep/errors";
import { Specifier, SpecifierSet, Version } from "./index";

// [specifier, version, contains with prereleases=true]
const CASES: readonly (readonly [string, string, boolean])[] = [
  // == and local versions
  ["==1.0", "1.0", true],
  ["==1.0", "1.0.0", true],
  ["==1.0", "1.0+abc", true],
  ["==1.0+abc", "1.0", false],
  ["==1.0+abc", "1.0+abc", true],
  ["==1.0+abc", "1.0+abc.0", false],
  ["!=1.0", "1.0+abc", false],
  ["!=1.0", "1.0.post1", true],
  // wildcards
  ["==1.2.*", "1.2", true],
  ["==1.2.*", "1.2.5.post1+x", true],
  ["==1.2.*", "1.2rc1", true],
  ["==1.2.*", "1.3.dev0", false],
  ["==1.2.*", "1.20", false],
  ["==1.0.*", "1", true],
  ["==1.0.*", "1.1", false],
  ["!=1.2.*", "1.2.1", false],
  ["!=1.2.*", "1.1.9", true],
  ["==1!1.*", "1!1rc1", false], // packaging 23.0 compares the token "1!1rc1" with "1!1"
  ["==1!1.*", "1!1.5rc1", true],
  ["==0.*", "1!5.0", true], // an epoch pads to zeros
  // ordered comparisons
  ["<=1.0", "1.0+abc", true],
  [">=1.0", "1.0.dev0", false],
  ["<2.0", "2.0.dev0", false],
  ["<2.0", "2.0a1", false],
  ["<2.0", "1.9.dev0", true],
  ["<2.0rc1", "2.0a1", true],
  ["<1.0.post2", "1.0.post1", true],
  ["<1.0.post2", "1.0.post1.dev0", false],
  [">1.0", "1.0.post1", false],
  [">1.0", "1.0+abc", false],
  [">1.0", "1.0.1", true],
  [">1.0.post1", "1.0.post2", true],
  [">1.0.post1", "1.0.post2+abc", false],
  [">1.0a1", "1.0a1.post1", false],
  [">1.0a1", "1.0a2", true],
  // compatible release
  ["~=2.2", "2.3", true],
  ["~=2.2", "3.0", false],
  ["~=2.2.0", "2.3", false],
  ["~=1.4.5a4", "1.4.5", true],
  ["~=1.4.5a4", "1.5", false],
  ["~=1.4.pre1.post1", "1.4rc1.post1", true], // the prefix keeps "pre1": 1.4rc1.*
  ["~=1.4.pre1.post1", "1.5", false],
  // arbitrary equality and epochs
  ["===1.0", "1.0", true],
  ["===1.0", "1.0.0", false],
  ["===1.0+ABC", "1.0+abc", true],
  [">=1.0", "1!0.1", true],
  ["<2.0", "1!0.1", false],
];

describe("Specifier.contains (prereleases allowed)", () => {
  test.each(CASES)("%s ∋ %s is %s", (spec, version, expected) => {
    expect(Specifier.parse(spec).contains(Version.parse(version), true)).toBe(expected);
    expect(SpecifierSet.parse(spec).contains(Version.parse(version), { prereleases: true })).toBe(expected);
  });
});

describe("pre-release defaults", () => {
  test.each([
    ["", "1.0a1", false],
    ["", "1.0", true],
    [">=1.0", "2.0a1", false],
    [">=1.0a1", "2.0a1", true],
    [">=1.0,!=1.1a1", "2.0a1", false],
    ["==1.0.*", "1.0rc1", false],
    ["~=1.0rc1", "1.0rc2", true],
    ["<1.0a1", "0.9a1", false],
    ["===1.0a1", "1.0a1", true],
    ["===foo", "1.0", false],
  ])("%j ∋ %s is %s", (spec, version, expected) => {
    expect(SpecifierSet.parse(spec).contains(Version.parse(version))).toBe(expected);
  });
});

describe("parsing", () => {
  test.each([
    [" >= 1.0 ", ">=", "1.0", false, ">=1.0"],
    ["==1.2.*", "==", "1.2", true, "==1.2.*"],
    ["!=v1.0+ABC", "!=", "v1.0+ABC", false, "!=v1.0+ABC"],
    ["===", "===", "", false, "==="],
    ["=== foo", "===", "foo", false, "===foo"],
  ])("%j", (input, operator, version, wildcard, text) => {
    const s = Specifier.parse(input);
    expect([s.operator, s.version, s.wildcard, s.toString()]).toEqual([operator, version, wildcard, text]);
  });

  test.each([
    [">=1.0, <2,,", ">=1.0,<2"],
    [">=1.0,>=1.0.0", ">=1.0"],
    ["~=1.0,~=1.0.0", "~=1.0,~=1.0.0"],
    ["", ""],
  ])("set %j prints %j", (input, text) => {
    expect(SpecifierSet.parse(input).toString()).toBe(text);
  });

  test.each([
    [
      "1.0",
      'Failed to parse specifier "1.0": expected an operator (one of ~=, ==, !=, <=, >=, <, >, ===), found "1"\n1.0\n^',
    ],
    ["~=1", 'Failed to parse specifier "~=1": ~= needs at least two release segments (like ~=1.4)\n~=1\n  ^'],
    [
      "<1.0+abc",
      'Failed to parse specifier "<1.0+abc": local versions are not allowed with <\n<1.0+abc\n    ^',
    ],
    [
      ">=1.*",
      'Failed to parse specifier ">=1.*": wildcards are only allowed with == and !=, after the release\n>=1.*\n   ^^',
    ],
    [
      "==1.0a1.*",
      'Failed to parse specifier "==1.0a1.*": wildcards are only allowed with == and !=, after the release\n==1.0a1.*\n       ^^',
    ],
    [">=1.0, <x", 'Failed to parse specifier ">=1.0, <x": expected a version number\n>=1.0, <x\n        ^'],
    [
      "===a b",
      'Failed to parse specifier "===a b": unexpected character " " in an arbitrary-equality version\n===a b\n    ^',
    ],
  ])("%j", (input, message) => {
    let error: unknown;
    try {
      SpecifierSet.parse(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ParseError);
    expect((error as ParseError).code).toBe("specifier-invalid");
    expect((error as ParseError).message).toBe(message);
  });
});
