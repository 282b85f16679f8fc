/**
 * Generated install files as hardlinks of cached copies: two venvs installed from one cache share
 * RECORD, INSTALLER and launchers (one inode) and hold exactly what writing them gives; a copy edited
 * in place through a venv is noticed and replaced; copy mode and an unwritable store write the files.
 */
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { zipSync } from "fflate";
import { installUnpacked } from "./install";
import type { InstallOptions, WheelScheme } from "./install";
import { GeneratedFiles } from "./install-blobs";
import { unpackWheel } from "./install-unpack";
import { recordHash } from "./record";

const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));

const FILES: Record<string, string> = {
  "demo/__init__.py": "def main():\n    print('demo')\n",
  "demo-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n",
  "demo-1.0.dist-info/WHEEL": "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
  "demo-1.0.dist-info/entry_points.txt": "[console_scripts]\ndemo = demo:main\n",
};

async function unpacked(): Promise<string> {
  const dir = tmp("ls-blobs-wheel-");
  const record =
    Object.entries(FILES)
      .map(([k, v]) => `${k},${recordHash(v)},${Buffer.byteLength(v)}\n`)
      .join("") + "demo-1.0.dist-info/RECORD,,\n";
  const enc = new TextEncoder();
  const path = join(dir, "demo-1.0-py3-none-any.whl");
  writeFileSync(
    path,
    zipSync(
      Object.fromEntries(
        Object.entries({ ...FILES, "demo-1.0.dist-info/RECORD": record }).map(([k, v]) => [k, enc.encode(v)]),
      ),
    ),
  );
  return unpackWheel(path, join(dir, "cache"));
}

/** A venv-like layout; the same `python` path in every one, so their generated files agree. */
function install(from: string, opts: Partial<InstallOptions>) {
  const root = tmp("ls-blobs-venv-");
  const scheme: WheelScheme = {
    purelib: join(root, "site"),
    platlib: join(root, "site"),
    scripts: join(root, "bin"),
    headers: join(root, "include"),
    data: root,
  };
  mkdirSync(scheme.purelib);
  mkdirSync(scheme.scripts);
  const installed = installUnpacked(from, scheme, {
    python: "/opt/python/bin/python",
    requested: true,
    ...opts,
  });
  return { root, info: installed.distInfo, script: join(scheme.scripts, "demo") };
}

const GENERATED = ["RECORD", "INSTALLER", "REQUESTED"];

test("two venvs link the same cached copies, with the bytes and modes that writing gives", async () => {
  const from = await unpacked();
  const store = new GeneratedFiles(join(tmp("ls-blobs-store-"), "generated-v1"));
  const a = install(from, { generated: store });
  const b = install(from, { generated: new GeneratedFiles(store.dir) });
  const written = install(from, {});
  for (const name of GENERATED) {
    const [sa, sb] = [statSync(join(a.info, name)), statSync(join(b.info, name))];
    expect({ name, same: sa.ino === sb.ino, links: sa.nlink }).toEqual({ name, same: true, links: 3 });
    expect(readFileSync(join(a.info, name), "utf8")).toBe(readFileSync(join(written.info, name), "utf8"));
    expect(sa.mode).toBe(statSync(join(written.info, name)).mode);
  }
  expect(statSync(a.script).ino).toBe(statSync(b.script).ino);
  expect(readFileSync(a.script, "utf8")).toBe(readFileSync(written.script, "utf8"));
  expect(statSync(a.script).mode & 0o777).toBe(statSync(written.script).mode & 0o777);
  expect(statSync(written.script).nlink).toBe(1);
});

test("a copy edited in place through one venv is replaced before the next venv links it", async () => {
  const from = await unpacked();
  const dir = join(tmp("ls-blobs-store-"), "generated-v1");
  const a = install(from, { generated: new GeneratedFiles(dir) });
  writeFileSync(join(a.info, "INSTALLER"), "tampered\n"); // written through the shared inode
  const b = install(from, { generated: new GeneratedFiles(dir) });
  expect(readFileSync(join(b.info, "INSTALLER"), "utf8")).toBe("lockstep\n");
  expect(statSync(join(b.info, "INSTALLER")).ino).not.toBe(statSync(join(a.info, "INSTALLER")).ino);
});

test.each([
  ["copy mode", { linkMode: "copy" as const }, () => join(tmp("ls-blobs-store-"), "generated-v1")],
  [
    "a store that cannot be created (a file is in its way)",
    {},
    () => {
      const file = join(tmp("ls-blobs-file-"), "not-a-dir");
      writeFileSync(file, "");
      return join(file, "generated-v1");
    },
  ],
])("%s: the files are written, not linked", async (_what, opts, storeDir) => {
  const from = await unpacked();
  const a = install(from, { ...opts, generated: new GeneratedFiles(storeDir()) });
  for (const name of GENERATED) expect(statSync(join(a.info, name)).nlink).toBe(1);
  expect(readFileSync(join(a.info, "INSTALLER"), "utf8")).toBe("lockstep\n");
});
