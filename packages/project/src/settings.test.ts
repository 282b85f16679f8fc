/** Settings precedence (flag > env > [tool.lockstep] > user config > default), as tables. */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { PRERELEASE_POLICIES, RESOLUTION_STRATEGIES } from "@lockstep/pyproject";
import { LINK_MODES } from "@lockstep/wheel/install-link";
import {
  closestName,
  LINK_MODE_CHOICES,
  PRERELEASE_CHOICES,
  RESOLUTION_CHOICES,
  resolveSettings,
  SETTINGS,
  userConfigPath,
} from "./settings";
import type { SettingInputs } from "./settings";
import { readLockstepTable, readUserConfig } from "./settings-files";
import { REPO_ROOT } from "@lockstep/project/testing";

const user = (table: Record<string, unknown>) => ({ path: "/home/u/.config/lockstep/lockstep.toml", table });
const project = (table: Record<string, unknown>) => ({ path: "/p/pyproject.toml", table });

describe("resolveSettings", () => {
  test.each<[string, SettingInputs, string, unknown, string]>([
    ["default", {}, "resolution", undefined, "default"],
    ["user config", { userConfig: user({ resolution: "lowest" }) }, "resolution", "lowest", "user"],
    [
      "project over user",
      { userConfig: user({ resolution: "lowest" }), project: project({ resolution: "lowest-direct" }) },
      "resolution",
      "lowest-direct",
      "project",
    ],
    [
      "env over project",
      { env: { LOCKSTEP_RESOLUTION: "lowest" }, project: project({ resolution: "highest" }) },
      "resolution",
      "lowest",
      "env",
    ],
    [
      "flag over env",
      { flags: { resolution: "highest" }, env: { LOCKSTEP_RESOLUTION: "lowest" } },
      "resolution",
      "highest",
      "flag",
    ],
    [
      "index strategy from env over project",
      {
        env: { LOCKSTEP_INDEX_STRATEGY: "unsafe-best-match" },
        project: project({ "index-strategy": "first-index" }),
      },
      "index-strategy",
      "unsafe-best-match",
      "env",
    ],
    ["empty env is unset", { env: { LOCKSTEP_PYTHON: "" } }, "python", undefined, "default"],
    [
      "index url from env",
      { env: { LOCKSTEP_INDEX_URL: "http://x/simple" } },
      "index-url",
      "http://x/simple",
      "env",
    ],
    [
      "declared default index is the project layer",
      {
        userConfig: user({ "index-url": "http://user/simple" }),
        project: project({ index: [{ name: "a", url: "http://a/simple", default: true }] }),
      },
      "index-url",
      "http://a/simple",
      "project",
    ],
    [
      "a declared non-default index leaves the user's",
      {
        userConfig: user({ "index-url": "http://user/simple" }),
        project: project({ index: [{ name: "a", url: "http://a/simple" }] }),
      },
      "index-url",
      "http://user/simple",
      "user",
    ],
    [
      "extra index urls are space-separated",
      { env: { LOCKSTEP_EXTRA_INDEX_URL: " http://a/simple  http://b/simple " } },
      "extra-index-url",
      ["http://a/simple", "http://b/simple"],
      "env",
    ],
    [
      "an empty flag list is not given",
      { flags: { "extra-index-url": [] }, env: { LOCKSTEP_EXTRA_INDEX_URL: "http://a/s" } },
      "extra-index-url",
      ["http://a/s"],
      "env",
    ],
    ["boolean env", { env: { LOCKSTEP_OFFLINE: "1" } }, "offline", true, "env"],
    [
      "boolean env false",
      { env: { LOCKSTEP_NO_CACHE: "no" }, userConfig: user({ "no-cache": true }) },
      "no-cache",
      false,
      "env",
    ],
    ["integer env", { env: { LOCKSTEP_CONCURRENT_DOWNLOADS: "8" } }, "concurrent-downloads", 8, "env"],
    ["cache-ttl 0 (always revalidate)", { env: { LOCKSTEP_CACHE_TTL: "0" } }, "cache-ttl", 0, "env"],
    ["cache-ttl from user config", { userConfig: user({ "cache-ttl": 600 }) }, "cache-ttl", 600, "user"],
    ["cache dir from user config", { userConfig: user({ "cache-dir": "/c" }) }, "cache-dir", "/c", "user"],
    ["python is not a project key", { project: project({ python: "3.12" }) }, "python", undefined, "default"],
  ])("%s", (_name, inputs, key, value, source) => {
    const r = resolveSettings(inputs);
    expect(r.values[key as keyof typeof r.values]).toEqual(value);
    expect(r.sources[key as keyof typeof r.sources]).toBe(source);
  });

  test.each<[SettingInputs, string]>([
    [
      { env: { LOCKSTEP_OFFLINE: "maybe" } },
      'LOCKSTEP_OFFLINE: "maybe" is not a boolean (1, true, yes, on / 0, false, no, off)',
    ],
    [
      { env: { LOCKSTEP_RESOLUTION: "sideways" } },
      'LOCKSTEP_RESOLUTION: "sideways" is not one of highest, lowest, lowest-direct',
    ],
    [
      { env: { LOCKSTEP_INDEX_URL: "ftp://user:secret@host/simple" } },
      'LOCKSTEP_INDEX_URL: "ftp://host/simple" is not a valid index URL',
    ],
    [
      { env: { LOCKSTEP_EXTRA_INDEX_URL: "http://ok/simple ftp://x/simple" } },
      'LOCKSTEP_EXTRA_INDEX_URL: "ftp://x/simple" is not a valid index URL',
    ],
    [
      { env: { LOCKSTEP_CONCURRENT_DOWNLOADS: "0" } },
      'LOCKSTEP_CONCURRENT_DOWNLOADS: "0" is not a whole number >= 1',
    ],
    [{ env: { LOCKSTEP_CACHE_TTL: "-1" } }, 'LOCKSTEP_CACHE_TTL: "-1" is not a whole number >= 0'],
    [
      { env: { LOCKSTEP_LINK_MODE: "teleport" } },
      'LOCKSTEP_LINK_MODE: "teleport" is not one of hardlink, copy, symlink, clone',
    ],
    [
      { userConfig: user({ offline: "yes" }) },
      '/home/u/.config/lockstep/lockstep.toml: offline: "yes" is not a boolean (1, true, yes, on / 0, false, no, off)',
    ],
    [
      { project: project({ prerelease: "sometimes" }) },
      '/p/pyproject.toml: [tool.lockstep] prerelease: "sometimes" is not one of disallow, allow, if-necessary, explicit, if-necessary-or-explicit',
    ],
    [
      { flags: { prerelease: "sometimes" } },
      '--prerelease: "sometimes" is not one of disallow, allow, if-necessary, explicit, if-necessary-or-explicit',
    ],
  ])("invalid: %j", (inputs, message) => {
    expect(() => resolveSettings(inputs)).toThrow(message);
  });

  test("the choice lists match the packages that own them", () => {
    expect([...PRERELEASE_CHOICES].sort()).toEqual([...PRERELEASE_POLICIES].sort());
    expect([...RESOLUTION_CHOICES].sort()).toEqual([...RESOLUTION_STRATEGIES].sort());
    expect([...LINK_MODE_CHOICES].sort()).toEqual([...LINK_MODES].sort());
  });
});

describe("settings files", () => {
  test.each([
    [{ XDG_CONFIG_HOME: "/x" }, "/x/lockstep/lockstep.toml"],
    [{ XDG_CONFIG_HOME: "" }, "/home/u/.config/lockstep/lockstep.toml"],
    [{}, "/home/u/.config/lockstep/lockstep.toml"],
  ])("userConfigPath(%j)", (env, path) => {
    expect(userConfigPath(env, "/home/u")).toBe(path);
  });

  test("user config: missing, valid, bad TOML, unknown key", () => {
    const dir = mkdtempSync(join(tmpdir(), "lockstep-settings-"));
    const file = join(dir, "lockstep.toml");
    expect(readUserConfig(file)).toBeUndefined();
    writeFileSync(file, 'index-url = "http://u/simple"\noffline = true\n');
    expect(readUserConfig(file)).toEqual({
      path: file,
      table: { "index-url": "http://u/simple", offline: true },
    });
    writeFileSync(file, "index-url = \n");
    expect(() => readUserConfig(file)).toThrow(`${file}: not valid TOML`);
    writeFileSync(file, 'index_url = "http://u/simple"\n');
    let err: unknown;
    try {
      readUserConfig(file);
    } catch (e) {
      err = e;
    }
    expect((err as Error).message).toBe(`${file}: unknown key \`index_url\``);
    expect((err as { hint?: string }).hint).toBe("did you mean `index-url`?");
  });

  test("[tool.lockstep] raw table", () => {
    const dir = mkdtempSync(join(tmpdir(), "lockstep-settings-"));
    const file = join(dir, "pyproject.toml");
    writeFileSync(file, '[project]\nname = "a"\n[tool.lockstep]\nresolution = "lowest"\n');
    expect(readLockstepTable(file).table).toEqual({ resolution: "lowest" });
    expect(readLockstepTable(join(dir, "missing.toml")).table).toEqual({});
  });

  test.each([
    ["ofline", ["offline", "project"], "offline"],
    ["exclude_newer", ["exclude-newer"], "exclude-newer"],
    ["zzz", ["offline"], undefined],
  ])("closestName(%s)", (word, candidates, best) => {
    expect(closestName(word, candidates)).toBe(best);
  });
});

describe("docs/settings.md", () => {
  test("its table is SETTINGS", () => {
    const rows = SETTINGS.map((s) => {
      const flag = s.flag ? `\`--${s.key}\`` : "—";
      const proj = s.project
        ? s.key === "index-url"
          ? "`[[tool.lockstep.index]]` `default = true`"
          : `\`${s.key}\``
        : "—";
      const vals = s.choices ? ` (${s.choices.map((c) => `\`${c}\``).join(", ")})` : "";
      return `| \`${s.key}\` | ${flag} | \`${s.env}\` | ${proj} | ${s.defaultText} | ${s.describe}${vals} |`;
    });
    const doc = readFileSync(join(REPO_ROOT, "docs/settings.md"), "utf8");
    const table = doc.split("<!-- settings-table")[1]?.split("<!-- /settings-table -->")[0] ?? "";
    expect(table.split("\n").filter((l) => l.startsWith("| `"))).toEqual(rows);
  });
});
