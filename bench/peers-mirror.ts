/**
 * The machine's partial local mirror of real PyPI releases, served as one plain PEP 503 index on
 * loopback for `pnpm bench peers`.
 *
 * Where it is: pip's global configuration (`python3 -m pip config list`) names file:// indexes
 * (`extra-index-url`, `index-url`: trees of `simple/<project>/index.html` linking `../../files/…`)
 * and find-links directories (flat folders of wheels). They are merged into one `simple/` tree in a
 * scratch directory: each project's page lists its links from every index (hrefs rewritten to
 * `/m<N>/files/…`, where `m<N>` is a symlink to that mirror's root) and every find-links wheel
 * (`/f<N>/<file>#sha256=…`). `python3 -m http.server` serves it: a static server, so pages carry
 * `Last-Modified` but neither `ETag` nor `Cache-Control`, like a static mirror in the wild.
 *
 * Pitfall: the pip config is read with the ambient environment (that is where it lives); every tool
 * then runs with it cleared.
 */
import { spawn, spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import {
  createReadStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export interface Mirror {
  indexes: string[];
  findLinks: string[];
}

/** File-system mirrors named in pip's configuration, or undefined when there are none. */
export function findMirror(): Mirror | undefined {
  const out = spawnSync("python3", ["-m", "pip", "config", "list"], { encoding: "utf8" });
  if (out.status !== 0) return undefined;
  const indexes: string[] = [];
  const findLinks: string[] = [];
  for (const line of out.stdout.split("\n")) {
    const m = /^[^=]*\.(extra-index-url|index-url|find-links)='(.*)'$/.exec(line.trim());
    if (!m) continue;
    for (const item of (m[2] as string).split(/\s+/).filter(Boolean)) {
      const path = item.startsWith("file://") ? fileURLToPath(item) : item.startsWith("/") ? item : undefined;
      if (path === undefined || !existsSync(path)) continue;
      if (m[1] === "find-links") {
        if (!findLinks.includes(path)) findLinks.push(path);
      } else {
        const root = path.replace(/\/simple\/?$/, "");
        if (existsSync(join(root, "simple")) && !indexes.includes(root)) indexes.push(root);
      }
    }
  }
  return indexes.length + findLinks.length > 0 ? { indexes, findLinks } : undefined;
}

const canon = (n: string) => n.toLowerCase().replace(/[-_.]+/g, "-");

async function sha256(file: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest("hex");
}

/** Writes the merged tree under `dir`; returns the number of projects. */
export async function mergeMirror(m: Mirror, dir: string): Promise<number> {
  mkdirSync(join(dir, "simple"), { recursive: true });
  const links = new Map<string, string[]>();
  const add = (project: string, a: string) => {
    const list = links.get(project) ?? [];
    list.push(a);
    links.set(project, list);
  };
  m.indexes.forEach((root, n) => {
    symlinkSync(root, join(dir, `m${n}`));
    for (const project of readdirSync(join(root, "simple"), { withFileTypes: true })) {
      if (!project.isDirectory()) continue;
      const page = join(root, "simple", project.name, "index.html");
      if (!existsSync(page)) continue;
      for (const a of readFileSync(page, "utf8").matchAll(/<a [^>]*>[^<]*<\/a>/g)) {
        add(canon(project.name), a[0].replace(/href="(?:\.\.\/)+files\//, `href="/m${n}/files/`));
      }
    }
  });
  for (const [n, flat] of m.findLinks.entries()) {
    symlinkSync(flat, join(dir, `f${n}`));
    for (const file of readdirSync(flat)) {
      if (!file.endsWith(".whl")) continue;
      const project = canon(file.split("-")[0] as string);
      add(project, `<a href="/f${n}/${file}#sha256=${await sha256(join(flat, file))}">${file}</a>`);
    }
  }
  const names = [...links.keys()].sort();
  for (const project of names) {
    mkdirSync(join(dir, "simple", project), { recursive: true });
    writeFileSync(
      join(dir, "simple", project, "index.html"),
      `<!DOCTYPE html><html><body>\n${(links.get(project) ?? []).join("<br>\n")}\n</body></html>\n`,
    );
  }
  writeFileSync(
    join(dir, "simple", "index.html"),
    `<!DOCTYPE html><html><body>\n${names.map((p) => `<a href="/simple/${p}/">${p}</a>`).join("<br>\n")}\n</body></html>\n`,
  );
  return names.length;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const address = s.address();
      const port = typeof address === "object" && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface StaticServer {
  url: string;
  close(): void;
}

/** `python3 -m http.server` over `dir` on 127.0.0.1; resolves once the index answers. */
export async function serveStatic(dir: string): Promise<StaticServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    "python3",
    ["-m", "http.server", "--bind", "127.0.0.1", "--directory", dir, String(port)],
    { stdio: "ignore" },
  );
  const url = `http://127.0.0.1:${port}/simple/`;
  for (let i = 0; i < 100; i++) {
    try {
      const res = await fetch(url);
      if (res.ok) return { url, close: () => child.kill("SIGTERM") };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGTERM");
  throw new Error(`python3 -m http.server on ${url} did not answer`);
}
