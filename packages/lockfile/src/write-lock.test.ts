import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { appResolution, serviceResolution, APP_INPUTS, SERVICE_INPUTS } from "./testing/scenarios";
import { writeLock } from "./write-lock";

const golden = (name: string) => fileURLToPath(new URL(`./__golden__/${name}.toml`, import.meta.url));

describe("writeLock goldens", () => {
  test.each([
    ["app", () => writeLock(appResolution(), APP_INPUTS)],
    ["service", () => writeLock(serviceResolution(), SERVICE_INPUTS)],
  ])("%s", (name, make) => {
    const text = make();
    // UPDATE_GOLDEN=1 rewrites the files; review the diff before committing.
    if (process.env.UPDATE_GOLDEN) writeFileSync(golden(name), text);
    expect(text).toBe(readFileSync(golden(name), "utf8"));
  });
});
