/**
 * The workspace's import boundaries hold (scripts/check-boundaries.ts), and the checker itself
 * reports each kind of violation on a small synthetic workspace written to a temporary directory.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, test } from "vitest";
import { checkBoundaries, mayImport, readLayers } from "./check-boundaries";

const REPO = join(dirname(fileURLToPath(import.meta.url)), "..");
const LAYERS = readLayers(REPO);

test("the workspace's import boundaries hold", () => {
  const violations = checkBoundaries(REPO);
  // One line per violation, so a failure reads as the list of what to fix.
  expect(violations.join("\n")).toBe("");
});

describe("the layer table", () => {
  test.each([
    ["lockfile", "resolver", true],
    ["lockfile", "pyproject", true],
    ["resolver", "lockfile", false],
    ["wheel", "pyproject", false],
    ["pyproject", "wheel", false],
    ["build", "python", true],
    ["python", "build", false],
    ["sync", "build", true],
    ["build", "sync", false],
    ["project", "sync", true],
    ["cli", "project", true],
    ["project", "cli", false],
    ["fixtures", "pep508", true],
    ["fixtures", "wheel", false],
    ["conformance", "fixtures", true],
    ["conformance", "cli", false],
    ["errors", "fixtures", false],
  ])("%s may import %s: %s", (importer, imported, expected) => {
    expect(mayImport(LAYERS, importer, imported)).toBe(expected);
  });
});

describe("the checker on a synthetic workspace", () => {
  const root = mkdtempSync(join(tmpdir(), "ls-boundaries-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const write = (path: string, text: string): void => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  const manifest = (name: string, dependencies: string[], devDependencies: string[] = []): string =>
    JSON.stringify({
      name,
      dependencies: Object.fromEntries(dependencies.map((d) => [d, "workspace:^"])),
      devDependencies: Object.fromEntries(devDependencies.map((d) => [d, "workspace:^"])),
    });

  write("package.json", JSON.stringify({ devDependencies: { vitest: "^4" } }));
  write("packages/errors/package.json", manifest("@lockstep/errors", []));
  write("packages/errors/src/index.ts", "export const a = 1;\n");
  write("packages/errors/testing/index.ts", "export const helper = 1;\n");
  // wheel: imports a package above it (lockfile), uses an undeclared npm package, declares one it
  // never imports, and its product code imports test code three ways.
  write(
    "packages/wheel/package.json",
    manifest("@lockstep/wheel", ["@lockstep/errors", "@lockstep/lockfile", "unused-dep"]),
  );
  write(
    "packages/wheel/src/index.ts",
    [
      'import { a } from "@lockstep/errors";',
      'import { b } from "@lockstep/lockfile";',
      'import { zip } from "fflate";',
      'import { helper } from "@lockstep/errors/testing";',
      'import { tree } from "./support.test";',
      "export { a, b, zip, helper, tree };",
      "",
    ].join("\n"),
  );
  write("packages/wheel/src/support.test.ts", 'import { test } from "vitest";\nexport const tree = 1;\n');
  // lockfile: a test reaching into fixtures by relative path, fixtures declared as a dependency,
  // test support under src/ and a dynamic import of a package it does not declare.
  write("packages/lockfile/package.json", manifest("@lockstep/lockfile", ["@lockstep/fixtures"]));
  write(
    "packages/lockfile/src/index.ts",
    'export const b = 2;\nexport const load = () => import("@lockstep/wheel");\n',
  );
  write("packages/lockfile/src/testing/scenarios.ts", "export const c = 3;\n");
  write(
    "packages/lockfile/src/a.test.ts",
    'import { serve } from "../../../fixtures/src/server";\nimport { c } from "./testing/scenarios";\nimport "@lockstep/fixtures";\nexport { serve, c };\n',
  );
  write("fixtures/package.json", manifest("@lockstep/fixtures", ["@lockstep/errors"]));
  write("fixtures/src/server.ts", 'import { a } from "@lockstep/errors";\nexport const serve = a;\n');

  test("reports every kind of violation, one line each", () => {
    expect(checkBoundaries(root, LAYERS)).toEqual([
      "packages/lockfile/package.json declares @lockstep/fixtures in dependencies (test support belongs in devDependencies)",
      "packages/lockfile/src/a.test.ts imports ../../../fixtures/src/server (a relative path into @lockstep/fixtures; import it by name)",
      "packages/lockfile/src/index.ts imports @lockstep/wheel (not declared in packages/lockfile/package.json dependencies)",
      "packages/lockfile/src/testing/scenarios.ts is test support under src/ (move it to packages/lockfile/testing/)",
      "packages/wheel/package.json declares unused-dep, which no file of @lockstep/wheel imports",
      "packages/wheel/src/index.ts imports ./support.test (test code, from product code)",
      "packages/wheel/src/index.ts imports @lockstep/errors/testing (test code, from product code)",
      "packages/wheel/src/index.ts imports @lockstep/lockfile (rank 6, above wheel's 3)",
      "packages/wheel/src/index.ts imports fflate (not declared in packages/wheel/package.json dependencies)",
    ]);
  });

  test("a clean workspace reports nothing", () => {
    const clean = mkdtempSync(join(tmpdir(), "ls-boundaries-clean-"));
    try {
      const put = (path: string, text: string): void => {
        mkdirSync(dirname(join(clean, path)), { recursive: true });
        writeFileSync(join(clean, path), text);
      };
      put("package.json", JSON.stringify({ devDependencies: { vitest: "^4" } }));
      put("packages/errors/package.json", manifest("@lockstep/errors", []));
      put("packages/errors/src/index.ts", "export const a = 1;\n");
      put(
        "packages/pep440/package.json",
        manifest("@lockstep/pep440", ["@lockstep/errors"], ["@lockstep/fixtures"]),
      );
      put("packages/pep440/src/index.ts", 'export { a } from "@lockstep/errors";\n');
      put("packages/pep440/testing/index.ts", 'export { serve } from "@lockstep/fixtures";\n');
      put(
        "packages/pep440/src/a.test.ts",
        'import { test } from "vitest";\nimport { serve } from "../testing";\n',
      );
      put("fixtures/package.json", manifest("@lockstep/fixtures", ["@lockstep/errors"]));
      put("fixtures/src/index.ts", 'import { a } from "@lockstep/errors";\nexport const serve = a;\n');
      expect(checkBoundaries(clean, LAYERS)).toEqual([]);
    } finally {
      rmSync(clean, { recursive: true, force: true });
    }
  });
});
