/**
 * A 20,000-file wheel installed by a child process that is SIGKILLed at random instants — inside the
 * RECORD write (a worker thread kills a few milliseconds after the incomplete marker is written,
 * i.e. while RECORD is formatted, written to its temporary name and renamed) and anywhere in the
 * install — then the next sync must succeed and leave exactly the tree of a fresh install, every
 * RECORD hash true. A RECORD torn the way older versions left it (written in place, cut mid-row) is
 * repaired the same way, with a warning naming the distribution instead of `RECORD:N: expected 3
 * fields`.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { beforeAll, expect, test } from "vitest";
import type { InterpreterInfo, Venv } from "@lockstep/python";
import { INCOMPLETE_MARKER, parseRecord, sha256File } from "@lockstep/wheel";
import { writeWheelFile } from "@lockstep/wheel/testing";
import { executeSync } from "./execute";
import { readInstalled } from "./installed";
import { planSync } from "./plan";
import type { PlannedDistribution } from "./plan";
import { newVenv, python3, tree } from "../testing";

const FILES = 20_000;
const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));
const cacheDir = tmp("ls-rkill-cache-");
let info: InterpreterInfo;
let child: string;
let wheel: string;
let desired: PlannedDistribution[];
let reference: string[];

beforeAll(async () => {
  info = python3(cacheDir);
  wheel = await writeWheelFile(tmp("ls-rkill-wheel-"), {
    name: "many",
    version: "1.0",
    files: Array.from({ length: FILES }, (_, i) => ({
      name: `many/p${Math.floor(i / 500)}/m${i}.py`,
      data: `X = ${i}\n`,
    })),
    entryPoints: "[console_scripts]\nmany = many.p0.m0:main\n",
  });
  desired = [
    {
      name: "many",
      version: "1.0",
      kind: "wheel",
      path: wheel,
      filename: basename(wheel),
      hashes: { sha256: sha256File(wheel) },
    },
  ];
  child = join(tmp("ls-rkill-child-"), "child.mjs");
  await build({
    entryPoints: [fileURLToPath(new URL("../testing/record-kill-child.ts", import.meta.url))],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile: child,
    logLevel: "silent",
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
  });
  const venv = newVenv(join(tmp("ls-rkill-ref-"), "venv"), info);
  await syncTo(venv); // also unpacks the wheel into the cache once
  reference = tree(venv.root);
}, 120_000);

function syncTo(venv: Venv) {
  return executeSync(planSync(desired, readInstalled(venv.sitePackages)), {
    venv,
    interpreter: info,
    client: { download: () => Promise.resolve(wheel) },
    cacheDir,
  });
}

const state = (site: string) =>
  [...readInstalled(site).values()].map((d) => `${d.name}==${d.version}${d.incomplete ? "!" : ""}`).sort();

/** Every RECORD row with a hash names a file with that content. */
function recordProblems(venv: Venv): string[] {
  const problems: string[] = [];
  for (const d of readInstalled(venv.sitePackages).values()) {
    for (const row of parseRecord(readFileSync(join(d.distInfo, "RECORD"), "utf8"))) {
      if (!row.hash) continue;
      const path = join(venv.sitePackages, row.path);
      if (!existsSync(path)) problems.push(`${row.path}: missing`);
      else if (`sha256=${createHash("sha256").update(readFileSync(path)).digest("base64url")}` !== row.hash)
        problems.push(`${row.path}: wrong hash`);
    }
  }
  return problems;
}

function runChild(venv: Venv, kill: { triggerOp: number; delayUs: number }) {
  return spawnSync(
    process.execPath,
    [child, JSON.stringify({ venv, info, cacheDir, wheel, desired, ...kill })],
    {
      encoding: "utf8",
    },
  );
}

test("a 20,000-file install killed at random instants is repaired by the next sync", async () => {
  expect(reference.length).toBeGreaterThan(FILES);
  // A calibration run that is not killed: how long RECORD writing and the whole install take here.
  const calibration = runChild(newVenv(join(tmp("ls-rkill-cal-"), "venv"), info), {
    triggerOp: 0,
    delayUs: 0,
  });
  expect(calibration.status, calibration.stderr).toBe(0);
  const { recordUs, installUs } = JSON.parse(calibration.stdout) as { recordUs: number; installUs: number };
  // Op 2 is the incomplete marker: RECORD is formatted, written to its temporary name and renamed
  // right after it. Half the kills land in that window, half anywhere in the install.
  const kills = [
    ...Array.from({ length: 3 }, () => ({ triggerOp: 2, delayUs: Math.floor(Math.random() * recordUs) })),
    ...Array.from({ length: 3 }, () => ({
      triggerOp: 1,
      delayUs: Math.floor(Math.random() * installUs * 0.7),
    })),
  ];
  const seen: string[] = [];
  for (const kill of kills) {
    // The machine's speed varies between the calibration and a run: a kill that came after the
    // install had finished is retried with half the delay, so every run really is killed.
    let venv = newVenv(join(tmp("ls-rkill-"), "venv"), info);
    let run = runChild(venv, kill);
    for (let retry = 0; run.status === 0 && retry < 6; retry++) {
      kill.delayUs = Math.floor(kill.delayUs / 2);
      venv = newVenv(join(tmp("ls-rkill-"), "venv"), info);
      run = runChild(venv, kill);
    }
    const installed = readInstalled(venv.sitePackages).get("many");
    const distFiles = installed ? readdirSync(installed.distInfo) : [];
    const recordTmp = distFiles.some((n) => n.startsWith("RECORD.") && n.endsWith(".lockstep-tmp"));
    seen.push(
      `${run.signal ?? `exit ${run.status}`} after ${kill.delayUs} µs: ${state(venv.sitePackages).join(" ") || "(none)"}${recordTmp ? " RECORD-tmp" : ""}`,
    );
    const res = await syncTo(venv);
    expect(state(venv.sitePackages), JSON.stringify(kill)).toEqual(["many==1.0"]);
    expect(tree(venv.root), JSON.stringify(kill)).toEqual(reference);
    expect(recordProblems(venv), JSON.stringify(kill)).toEqual([]);
    expect(res.warnings).toEqual([]);
  }
  console.log(`RECORD ${recordUs} µs, install ${installUs} µs\n${seen.join("\n")}`);
  // Every run was really killed, and the kills left the install incomplete.
  expect(seen.filter((s) => s.startsWith("SIGKILL")).length, seen.join("\n")).toBe(kills.length);
  expect(seen.filter((s) => s.includes("many==1.0!")).length, seen.join("\n")).toBeGreaterThanOrEqual(5);
}, 180_000);

test.each([["cut mid-row", (record: string) => record.slice(0, Math.floor(record.length / 2))]])(
  "a RECORD written in place and %s (older versions) is removed and reinstalled, with a warning",
  async (_what, tear) => {
    const venv = newVenv(join(tmp("ls-rtorn-"), "venv"), info);
    await syncTo(venv);
    const distInfo = readInstalled(venv.sitePackages).get("many")!.distInfo;
    const record = readFileSync(join(distInfo, "RECORD"), "utf8");
    writeFileSync(join(distInfo, "RECORD"), tear(record));
    writeFileSync(join(distInfo, INCOMPLETE_MARKER), "");
    expect(state(venv.sitePackages)).toEqual(["many==1.0!"]);
    const res = await syncTo(venv);
    expect(res.warnings).toHaveLength(1);
    expect(res.warnings[0]).toMatch(
      /^many==1\.0: many-1\.0\.dist-info: RECORD is damaged \(line \d+ unreadable, probably cut short by an interrupted install\); removed the \d+ files it still lists and the \.dist-info$/,
    );
    expect(tree(venv.root)).toEqual(reference);
    expect(recordProblems(venv)).toEqual([]);
  },
  60_000,
);
