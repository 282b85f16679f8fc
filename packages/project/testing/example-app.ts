/**
 * The demo's project for tests: `examples/example-app` and the fixture universe it is locked
 * against (`fixtures/universes/example-app.toml`), copied into a temporary directory per test so
 * that locks and venvs never land in the checkout.
 */
import { cpSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const EXAMPLE_APP = join(REPO_ROOT, "examples", "example-app");
export const EXAMPLE_UNIVERSE = join(REPO_ROOT, "fixtures", "universes", "example-app.toml");

/** A copy of examples/example-app in a temporary directory. */
export function copyExampleApp(): string {
  const dir = join(mkdtempSync(join(tmpdir(), "lockstep-example-app-")), "example-app");
  cpSync(EXAMPLE_APP, dir, { recursive: true });
  return dir;
}

/** `name==version` of every `.dist-info` in a site-packages directory, sorted. */
export function installedDistributions(sitePackages: string): string[] {
  return readdirSync(sitePackages)
    .filter((n) => n.endsWith(".dist-info"))
    .map((n) =>
      n
        .replace(/\.dist-info$/, "")
        .replace(/-([^-]+)$/, "==$1")
        .replace(/_/g, "-"),
    )
    .sort();
}
