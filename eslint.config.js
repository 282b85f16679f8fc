import { readFileSync } from "node:fs";
import { URL } from "node:url";
import js from "@eslint/js";
import tseslint from "typescript-eslint";

// Import boundaries (issue 12): the layer table is shared with scripts/check-boundaries.ts, which
// also checks what eslint cannot see (dynamic imports, package.json declarations, relative paths
// into other packages); scripts/boundaries.test.ts runs it in `pnpm test`.
const layers = JSON.parse(readFileSync(new URL("./scripts/layers.json", import.meta.url), "utf8")).packages;

function mayImport(importer, imported) {
  const from = layers[importer];
  const to = layers[imported];
  if (importer === imported) return true;
  if (from.may !== undefined) return from.may.includes(imported);
  if (from.sameRank?.includes(imported)) return true;
  return from.rank !== undefined && to.rank !== undefined && to.rank < from.rank;
}

const TEST_GLOBS = ["**/*.test.ts", "**/testing/**"];
const relativeIntoFixtures = {
  regex: "^\\.\\.?/(?:.*/)?fixtures/src(?:/|$)",
  message: "Import test fixtures by name (@lockstep/fixtures, a devDependency), not by relative path.",
};
const testCode = [
  {
    group: ["@lockstep/fixtures", "@lockstep/fixtures/*", "@lockstep/*/testing", "@lockstep/*/testing/*"],
    message: "Product code never imports test support.",
  },
  {
    regex: "^\\.\\.?/(?:.*/)?testing(?:/|$)",
    message: "Product code never imports test support (testing/).",
  },
  { regex: "\\.test(?:\\.[cm]?[jt]s)?$", message: "Product code never imports a test file." },
];

function boundaryConfigs(short) {
  const dir = short === "fixtures" ? "fixtures" : `packages/${short}`;
  const above = Object.keys(layers).filter((other) => other !== "fixtures" && !mayImport(short, other));
  const upward =
    above.length === 0
      ? []
      : [
          {
            group: above.flatMap((other) => [`@lockstep/${other}`, `@lockstep/${other}/*`]),
            message: `${short} may not import these packages (scripts/layers.json: a package never imports one above it).`,
          },
        ];
  const product = layers[short].tool ? [] : testCode;
  return [
    {
      files: [`${dir}/**/*.{ts,js,mjs}`],
      ignores: TEST_GLOBS.map((glob) => `${dir}/${glob}`),
      rules: {
        "no-restricted-imports": ["error", { patterns: [...upward, ...product, relativeIntoFixtures] }],
      },
    },
    {
      files: TEST_GLOBS.map((glob) => `${dir}/${glob}`),
      rules: { "no-restricted-imports": ["error", { patterns: [...upward, relativeIntoFixtures] }] },
    },
  ];
}

export default tseslint.config(
  { ignores: ["**/node_modules/**", "**/dist/**", "**/.cache/**", "bench/results/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-constant-condition": ["error", { checkLoops: false }],
    },
  },
  ...Object.keys(layers).flatMap(boundaryConfigs),
);
