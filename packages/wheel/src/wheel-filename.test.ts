import { describe, expect, test } from "vitest";
import { formatTag } from "./tag";
import { WheelFilename, wheelFilename, wheelTagsOf } from "./wheel-filename";

describe("WheelFilename.parse", () => {
  test.each([
    // filename, name, version, build, tags
    ["foo-1.0-py3-none-any.whl", "foo", "1.0", undefined, ["py3-none-any"]],
    ["Foo.Bar-1.0-py3-none-any.whl", "foo-bar", "1.0", undefined, ["py3-none-any"]],
    [
      "foo_bar-2.0.0rc1-cp312-cp312-win_amd64.whl",
      "foo-bar",
      "2.0.0rc1",
      undefined,
      ["cp312-cp312-win_amd64"],
    ],
    ["foo-1.0.POST1-py3-none-any.whl", "foo", "1.0.post1", undefined, ["py3-none-any"]],
    ["foo-1.0-1-py3-none-any.whl", "foo", "1.0", { number: 1, tag: "" }, ["py3-none-any"]],
    ["foo-1.0-23b-py3-none-any.whl", "foo", "1.0", { number: 23, tag: "b" }, ["py3-none-any"]],
    ["six-1.16.0-py2.py3-none-any.whl", "six", "1.16.0", undefined, ["py2-none-any", "py3-none-any"]],
    [
      "numpy-2.0.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
      "numpy",
      "2.0.0",
      undefined,
      ["cp312-cp312-manylinux_2_17_x86_64", "cp312-cp312-manylinux2014_x86_64"],
    ],
    [
      "a-1-py2.py3-none.abi3-any.whl",
      "a",
      "1",
      undefined,
      ["py2-none-any", "py2-abi3-any", "py3-none-any", "py3-abi3-any"],
    ],
    ["foo-1.0+local.1-PY3-NONE-ANY.whl", "foo", "1.0+local.1", undefined, ["py3-none-any"]],
  ])("%s", (filename, name, version, build, tags) => {
    const wheel = WheelFilename.parse(filename);
    expect(wheel.name).toBe(name);
    expect(wheel.version.toString()).toBe(version);
    expect(wheel.build).toEqual(build);
    expect(wheel.tags().map(formatTag)).toEqual(tags);
    expect(wheelTagsOf(filename)).toEqual({ tags, build });
  });

  test.each([
    ["foo-1.0-py3-none-any.zip", "Must end with .whl", " ".repeat(20) + "^^^^"],
    ["foo.whl", "Must have a version", "   ^"],
    ["foo-1.0.whl", "Must have a Python tag", "       ^"],
    ["foo-1.0-py3.whl", "Must have an ABI tag", "           ^"],
    ["foo-1.0-py3-none.whl", "Must have a platform tag", "                ^"],
    ["foo-1.0-1-2-py3-none-any.whl", "Must have 5 or 6 dash-separated parts, found 7", "^".repeat(24)],
    ["fo o-1.0-py3-none-any.whl", 'The name "fo o" is not a valid package name', "^^^^"],
    ["foo-1.x-py3-none-any.whl", 'The version "1.x" is not a valid PEP 440 version', "    ^^^"],
    ["foo-1.0-b1-py3-none-any.whl", 'The build tag "b1" must start with a digit', "        ^^"],
    ["foo-1.0-py3..py2-none-any.whl", 'The Python tag "py3..py2" has an empty part', "        ^^^^^^^^"],
    ["foo-1.0-py3--any.whl", 'The ABI tag "" has an empty part', "            ^"],
    // Hostile names from an index (issue 13): each would otherwise become a cache path.
    [
      "foo-1.0-1/../../x-py3-none-any.whl",
      "Must be one file name, but contains a path separator",
      "         ^",
    ],
    [
      "foo-1.0-1\\..\\x-py3-none-any.whl",
      "Must be one file name, but contains a path separator",
      "         ^",
    ],
    [
      "foo-1.0-py3-none-any\u0000.whl",
      "Must be one file name, but contains a control character",
      " ".repeat(20) + "^",
    ],
    [
      "foo-1.0-1..x-py3-none-any.whl",
      'The build tag "1..x" may hold only letters, digits, "_" and "." after its leading digits',
      "        ^^^^",
    ],
    [
      "foo-1.0-1+x-py3-none-any.whl",
      'The build tag "1+x" may hold only letters, digits, "_" and "." after its leading digits',
      "        ^^^",
    ],
    [
      "foo-1.0-py3-none-any%2F.whl",
      'The platform tag "any%2F" may hold only letters, digits and "_" (dots between tags)',
      "                 ^^^^^^",
    ],
    ["..-1.0-py3-none-any.whl", 'The name ".." is not a valid package name', "^^"],
  ])("%s is invalid", (filename, reason, caret) => {
    let error: unknown;
    try {
      WheelFilename.parse(filename);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: "wheel-filename-invalid", reason });
    expect((error as Error).message).toBe(
      `The wheel filename ${JSON.stringify(filename)} is invalid: ${reason}\n${filename}\n${caret}`,
    );
    expect(WheelFilename.tryParse(filename)).toBeUndefined();
  });
});

describe("writing wheel file names", () => {
  test.each([
    [["Foo.Bar", "1.0", "py3-none-any"], "foo_bar-1.0-py3-none-any.whl"],
    [["foo--bar__baz", "1.0.0-rc.1", "py3-none-any"], "foo_bar_baz-1.0.0rc1-py3-none-any.whl"],
    [
      ["foo", "1.0", { interpreter: "cp312", abi: "abi3", platform: "win_amd64" }],
      "foo-1.0-cp312-abi3-win_amd64.whl",
    ],
    [["foo", "1.0", "py3-none-any", { number: 2, tag: "x" }], "foo-1.0-2x-py3-none-any.whl"],
    [["foo", "1.0", "py3-none-any", "7"], "foo-1.0-7-py3-none-any.whl"],
  ] as const)("wheelFilename(%j) = %s", (args, expected) => {
    const [name, version, tags, build] = args;
    expect(wheelFilename(name, version, tags, build)).toBe(expected);
  });

  test.each([
    ["Foo.Bar-1.0-py3-none-any.whl", "foo_bar-1.0-py3-none-any.whl"],
    ["six-1.16.0-py2.py3-none-any.whl", "six-1.16.0-py2.py3-none-any.whl"],
    ["foo-1.0.POST1-3-py3-none-any.whl", "foo-1.0.post1-3-py3-none-any.whl"],
  ])("%s normalizes to %s", (filename, normalized) => {
    expect(WheelFilename.parse(filename).toString()).toBe(normalized);
  });

  test.each([
    ["not-a-wheel.tar.gz"],
    ["a-1-b1-py3-none-any.whl"],
    ["a-1-py3-none.whl"],
    ["a-1-1..x-py3-none-any.whl"],
    ["a-1-py3-none-../x.whl"],
    ["a-1-py3-none-a+y.whl"],
  ])("wheelTagsOf(%s) is undefined", (filename) => {
    expect(wheelTagsOf(filename)).toBeUndefined();
  });
});
