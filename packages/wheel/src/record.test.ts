/** RECORD parsing and writing, and the script helpers, as tables. */
import { describe, expect, test } from "vitest";
import { formatRecord, parseRecord, recordHash } from "./record";
import { launcherScript, parseEntryPoint, rewriteScriptShebang, scriptEntryPoints, shebang } from "./scripts";

describe("RECORD", () => {
  test.each([
    ["a.py,sha256=abc,12", [{ path: "a.py", hash: "sha256=abc", size: 12 }]],
    ["x.dist-info/RECORD,,", [{ path: "x.dist-info/RECORD", hash: "", size: undefined }]],
    [
      '"a,b.py",sha256=abc,1\r\n\n"say ""hi"".txt",,',
      [
        { path: "a,b.py", hash: "sha256=abc", size: 1 },
        { path: 'say "hi".txt', hash: "", size: undefined },
      ],
    ],
  ])("parses %j", (text, rows) => {
    expect(parseRecord(text)).toEqual(rows);
    expect(parseRecord(formatRecord(rows))).toEqual(rows);
  });

  test.each([
    ["a.py,sha256=abc", 'RECORD:1: expected 3 fields (path,hash,size), found 2 in "a.py,sha256=abc"'],
    [
      "a.py,sha256=abc,1,extra",
      'RECORD:1: expected 3 fields (path,hash,size), found 4 in "a.py,sha256=abc,1,extra"',
    ],
    ["ok,,\na.py,,big", 'RECORD:2: size "big" is not a number'],
    ['"a.py,,', 'RECORD:1: unterminated quoted field in "\\"a.py,,"'],
  ])("rejects %j", (text, message) => {
    expect(() => parseRecord(text)).toThrow(message);
  });

  test("hashes are urlsafe base64 without padding", () => {
    expect(recordHash("")).toBe("sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU");
  });

  test("rows are written sorted by path", () => {
    expect(
      formatRecord([
        { path: "b", hash: "", size: undefined },
        { path: "a", hash: "sha256=x", size: 1 },
      ]),
    ).toBe("a,sha256=x,1\nb,,\n");
  });
});

describe("scripts", () => {
  test("entry points: groups, extras, comments, case-sensitive names", () => {
    const eps = scriptEntryPoints(
      "# c\n[console_scripts]\nTool = pkg.cli:main [fast]\nother=pkg:obj.run\n\n[gui_scripts]\ng = pkg.gui:main\n[other]\nx = y:z\n",
    );
    expect(eps).toEqual({
      console: [
        { name: "Tool", module: "pkg.cli", attr: "main" },
        { name: "other", module: "pkg", attr: "obj.run" },
      ],
      gui: [{ name: "g", module: "pkg.gui", attr: "main" }],
    });
  });

  test.each([
    ["pkg.cli", 'Invalid script entry point "t = pkg.cli": a callable suffix (module:function) is required'],
    ["pkg cli:main", 'Invalid script entry point "t = pkg cli:main"'],
  ])("rejects %j", (value, message) => {
    expect(() => parseEntryPoint("t", value)).toThrow(message);
  });

  test("launcher", () => {
    expect(launcherScript({ name: "t", module: "pkg.cli", attr: "obj.run" }, "/v/bin/python")).toBe(
      "#!/v/bin/python\n# -*- coding: utf-8 -*-\nimport re\nimport sys\nfrom pkg.cli import obj\nif __name__ == '__main__':\n    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n    sys.exit(obj.run())\n",
    );
    expect(() => launcherScript({ name: "t", module: "m", attr: "f" }, "C:\\py.exe", "windows")).toThrow(
      'Cannot create the launcher "t": Windows .exe launchers are not supported yet',
    );
  });

  test.each([
    ["/v/bin/python", "linux", "#!/v/bin/python\n"],
    ["/with space/python", "linux", "#!/bin/sh\n'''exec' \"/with space/python\" \"$0\" \"$@\"\n' '''\n"],
    [
      `/${"x".repeat(130)}/python`,
      "linux",
      `#!/bin/sh\n'''exec' /${"x".repeat(130)}/python "$0" "$@"\n' '''\n`,
    ],
    [`/${"x".repeat(130)}/python`, "darwin", `#!/${"x".repeat(130)}/python\n`],
  ] as const)("shebang for %s on %s", (python, platform, expected) => {
    expect(shebang(python, platform)).toBe(expected);
  });

  test.each([
    ["#!python\nprint(1)\n", "#!/v/bin/python\nprint(1)\n"],
    ["#!pythonw -E\r\nprint(1)\n", "#!/v/bin/python\nprint(1)\n"],
    ["#!python", "#!/v/bin/python\n"],
    ["#!/bin/sh\necho\n", undefined],
    ["print(1)\n", undefined],
  ])("rewrites %j", (input, output) => {
    const out = rewriteScriptShebang(new TextEncoder().encode(input), "/v/bin/python");
    expect(out === undefined ? undefined : new TextDecoder().decode(out)).toBe(output);
  });
});
