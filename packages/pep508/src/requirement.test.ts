import { describe, expect, test } from "vitest";
import { ParseError } from "@lockstep/errors";
import { Requirement } from "./requirement";
import { canonicalizeName, isValidName } from "./names";

describe("names", () => {
  test.each([
    ["Django", "django"],
    ["Foo_Bar", "foo-bar"],
    ["foo.bar", "foo-bar"],
    ["foo--__..bar", "foo-bar"],
    ["ZOPE.interface", "zope-interface"],
  ])("canonicalizeName(%j) = %j", (name, expected) => {
    expect(canonicalizeName(name)).toBe(expected);
  });

  test.each([
    ["a", true],
    ["a1", true],
    ["foo.bar_baz-1", true],
    ["-foo", false],
    ["foo-", false],
    ["foo bar", false],
    ["", false],
    ["föö", false],
  ])("isValidName(%j) = %j", (name, expected) => {
    expect(isValidName(name)).toBe(expected);
  });
});

// PEP 508's examples and the "complete grammar" test list, plus legacy and whitespace forms.
describe("Requirement.parse", () => {
  test.each([
    // name, extras, specifiers, url, marker
    ["A", "A", [], [], undefined, ""],
    ["A.B-C_D", "A.B-C_D", [], [], undefined, ""],
    ["aa", "aa", [], [], undefined, ""],
    ["name", "name", [], [], undefined, ""],
    ["name<=1", "name", [], ["<=1"], undefined, ""],
    ["name>=3", "name", [], [">=3"], undefined, ""],
    ["name>=3,", "name", [], [">=3"], undefined, ""],
    ["name>=3,<2", "name", [], ["<2", ">=3"], undefined, ""],
    ["name@http://foo.com", "name", [], [], "http://foo.com", ""],
    [
      "name [fred,bar] @ http://foo.com ; python_version=='2.7'",
      "name",
      ["bar", "fred"],
      [],
      "http://foo.com",
      "python_version == '2.7'",
    ],
    [
      "name[quux, strange];python_version<'2.7' and platform_version=='2'",
      "name",
      ["quux", "strange"],
      [],
      undefined,
      "python_version < '2.7' and platform_version == '2'",
    ],
    ["name; os_name=='a' or os_name=='b'", "name", [], [], undefined, "os_name == 'a' or os_name == 'b'"],
    ["name; os_name=='a' and os_name=='b' or os_name=='c'", "name", [], [], undefined, "os_name == 'c'"],
    [
      "name; os_name=='a' and (os_name=='b' or os_name=='c')",
      "name",
      [],
      [],
      undefined,
      "python_version < '0'",
    ],
    ["name; os_name=='a' or os_name=='b' and os_name=='c'", "name", [], [], undefined, "os_name == 'a'"],
    [
      "name; (os_name=='a' or os_name=='b') and os_name=='c'",
      "name",
      [],
      [],
      undefined,
      "python_version < '0'",
    ],
    [
      "requests [security,tests] >= 2.8.1, == 2.8.* ; python_version < '2.7'",
      "requests",
      ["security", "tests"],
      ["==2.8.*", ">=2.8.1"],
      undefined,
      "python_version < '2.7'",
    ],
    [
      "pip @ https://github.com/pypa/pip/archive/1.3.1.zip#sha1=da9234ee9982d4bbb3c72346a6de940a148ea686",
      "pip",
      [],
      [],
      "https://github.com/pypa/pip/archive/1.3.1.zip#sha1=da9234ee9982d4bbb3c72346a6de940a148ea686",
      "",
    ],
    ["foo (>=1.0)", "foo", [], [">=1.0"], undefined, ""],
    ["foo (>=1.0, <2.0) ; extra == 'Test_Me'", "foo", [], ["<2.0", ">=1.0"], undefined, "extra == 'test-me'"],
    [
      "  foo  [ Bar_Baz , bar.baz ]  ( == 1.0 )  ;  sys_platform == 'linux'  ",
      "foo",
      ["bar-baz"],
      ["==1.0"],
      undefined,
      "sys_platform == 'linux'",
    ],
    ["foo()", "foo", [], [], undefined, ""],
    ["foo[]", "foo", [], [], undefined, ""],
    ["foo @ file:///tmp/foo-1.0.tar.gz", "foo", [], [], "file:///tmp/foo-1.0.tar.gz", ""],
    ["foo @ git+file:///srv/foo@v1", "foo", [], [], "git+file:///srv/foo@v1", ""],
    ["foo @ https://x.org/a;b", "foo", [], [], "https://x.org/a;b", ""],
    ["foo @ git+https://github.com/a/b@v1.0 ", "foo", [], [], "git+https://github.com/a/b@v1.0", ""],
    ["foo_ >= 1", "foo_", [], [">=1"], undefined, ""],
  ])("%j", (input, name, extras, specs, url, marker) => {
    const r = Requirement.parse(input);
    expect(r.name).toBe(name);
    expect(r.canonicalName).toBe(canonicalizeName(name));
    expect(r.extras).toEqual(extras);
    expect(r.specifier.specifiers.map((s) => s.toString()).sort()).toEqual(specs);
    expect(r.url).toBe(url);
    expect(r.marker.toString()).toBe(marker);
  });

  test.each([
    ["foo[bar]>=1.0,<2; python_version >= '3.8'", "foo[bar]>=1.0,<2; python_version >= '3.8'"],
    ["foo @ https://x/y.whl ; os_name == 'nt'", "foo @ https://x/y.whl ; os_name == 'nt'"],
  ])("toString(%j) round-trips", (input, expected) => {
    const r = Requirement.parse(input);
    expect(r.toString().replace(/, /g, ",")).toBe(expected);
    expect(Requirement.parse(r.toString()).toString()).toBe(r.toString());
  });

  test.each([
    ["", "Expected a package name at the start of the requirement", 0, 1],
    ["-foo", "Expected a package name at the start of the requirement", 0, 1],
    ["foo[bar baz]", "Expected a comma between extra names", 8, 9],
    ["foo[bar,]", "Expected an extra name after the comma", 8, 9],
    ["foo[bar", "Expected a closing `]` for this `[`, or a valid extra name", 3, 8],
    ["foo (>=1.0", "Expected a closing `)` for this `(`, or a valid version specifier", 4, 11],
    ["foo >=", "Expected a version after `>=`", 4, 7],
    ["foo >=1.0abc", "`>=1.0abc` is not a valid version specifier", 4, 12],
    ["foo @ ", "Expected a URL after `@`", 6, 7],
    [
      "foo @ www.example.com",
      "Invalid URL `www.example.com`: expected a URL with a scheme, like `https://` or `file://`",
      6,
      21,
    ],
    ["foo @ https:///x", "Invalid URL `https:///x`: expected a host after the URL scheme", 6, 16],
    ["foo @ https://x.org bar", "Expected whitespace and `;` or the end after the URL", 20, 23],
    ["foo bar", "Expected `;` or the end after the name", 4, 7],
    ["foo>=1.0 bar", "Expected `;` or the end after the version specifier", 9, 12],
    ["foo; python_version >", "Expected a marker variable or quoted string", 21, 22],
    ["foo; os_name == 'a' xor", "Expected `and`, `or` or the end of the marker", 20, 23],
  ])("rejects %j", (input, reason, start, end) => {
    let error: unknown;
    try {
      Requirement.parse(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ParseError);
    const pe = error as ParseError;
    expect(pe.code).toBe("requirement-invalid");
    expect(pe.reason).toBe(reason);
    expect(pe.span).toEqual({ start, end });
  });

  test("the message quotes and underlines the input", () => {
    expect(() => Requirement.parse("foo[bar baz]")).toThrowErrorMatchingInlineSnapshot(`
      [ParseError: Failed to parse requirement "foo[bar baz]": Expected a comma between extra names
      foo[bar baz]
              ^]
    `);
  });
});
