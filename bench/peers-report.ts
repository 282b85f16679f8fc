/**
 * Renders a `pnpm bench peers` run: the side-by-side table (stdout and docs/benchmarks.md), the SVG
 * bar chart of peer/lockstep ratios (docs/benchmarks-peers.svg, written by hand as a string), the
 * aims of issue 17 checked against the figures, and the CPU profile summaries.
 *
 * Ratios are peer time / lockstep time for the same graph and measure in the same run, so >1 means
 * lockstep is faster. A failed cell shows why instead of a figure and is left out of the ratios.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Cell, PeersResult } from "./peers";
import type { ToolName } from "./peers-tools";

const PEERS: ToolName[] = ["pip", "poetry", "pdm"];
const ORDER = [
  "lock cold",
  "lock warm",
  "re-lock unchanged",
  "lock --check",
  "upgrade one",
  "sync cold",
  "sync warm",
  "no-op sync",
  "--version",
];

const sec = (ms: number) =>
  Number.isNaN(ms) ? "—" : ms >= 10_000 ? (ms / 1000).toFixed(1) : (ms / 1000).toFixed(2);
const ratio = (x: number) => (Number.isFinite(x) ? (x >= 10 ? x.toFixed(0) : x.toFixed(1)) + "×" : "—");

function find(r: PeersResult, graph: string, measure: string, tool: string): Cell | undefined {
  return r.cells.find((c) => c.graph === graph && c.measure === measure && c.tool === tool);
}

function ratioOf(r: PeersResult, graph: string, measure: string, tool: string): number {
  const l = find(r, graph, measure, "lockstep");
  const p = find(r, graph, measure, tool);
  if (!l || !p || l.failed) return NaN;
  // A peer killed at the time limit: the ratio is a lower bound (shown with ≥).
  if (p.failed) return p.timedOutMs === undefined ? NaN : p.timedOutMs / l.ms;
  return p.ms / l.ms;
}

function ratioCell(r: PeersResult, graph: string, measure: string, tool: string): string {
  const x = ratioOf(r, graph, measure, tool);
  return `${find(r, graph, measure, tool)?.timedOutMs === undefined || !Number.isFinite(x) ? "" : "≥"}${ratio(x)}`;
}

function cellText(c: Cell | undefined): string {
  if (!c) return "n/a";
  if (c.failed) return c.failed.startsWith("killed") ? `>${c.failed.replace(/\D+/g, "")} s` : "failed";
  return sec(c.ms);
}

/** Markdown table: one row per graph × measure; seconds, ratios, peak MiB. */
export function sideBySide(r: PeersResult): string {
  const head =
    "| graph | measure | lockstep s | pip s | poetry s | pdm s | pip/ls | poetry/ls | pdm/ls | peak MiB ls / pip / poetry / pdm | runs |";
  const lines = [head, "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|"];
  const graphs = ["-", ...r.graphs.map((g) => g.name)];
  for (const g of graphs)
    for (const m of ORDER) {
      const cells = ["lockstep", ...PEERS].map((t) => find(r, g, m, t));
      if (cells.every((c) => !c)) continue;
      const mem = cells.map((c) => (c && !c.failed ? c.peakMiB.toFixed(0) : "—")).join(" / ");
      const runs = cells.map((c) => (c ? String(c.runs) : "—")).join("/");
      lines.push(
        `| ${g === "-" ? "(any)" : g} | ${m} | ${cells.map(cellText).join(" | ")} | ${PEERS.map((t) => ratioCell(r, g, m, t)).join(" | ")} | ${mem} | ${runs} |`,
      );
    }
  const floors = r.cells.filter((c) => c.tool === "node -e ''" || c.tool === "python3 -c ''");
  for (const f of floors)
    lines.push(
      `| floor | \`${f.tool}\` beside ${f.graph === "-" ? "--version" : `${f.graph} no-op sync`} | ${sec(f.ms)} | | | | | | | ${f.peakMiB.toFixed(0)} | ${f.runs} |`,
    );
  return lines.join("\n");
}

interface Aim {
  aim: string;
  met: boolean | undefined;
  detail: string;
}

export function aims(r: PeersResult): Aim[] {
  const out: Aim[] = [];
  const fake = r.graphs.filter((g) => !g.real).map((g) => g.name);
  const peerRatios = (graphs: string[], measure: string) =>
    graphs
      .flatMap((g) => PEERS.map((t) => ({ g, t, x: ratioOf(r, g, measure, t) })))
      .filter((x) => Number.isFinite(x.x));
  const worst = (xs: Array<{ g: string; t: string; x: number }>) =>
    xs.reduce<{ g: string; t: string; x: number } | undefined>(
      (a, b) => (a === undefined || b.x < a.x ? b : a),
      undefined,
    );
  const aimRatio = (aim: string, graphs: string[], measure: string, need: number) => {
    const xs = peerRatios(graphs, measure);
    const w = worst(xs);
    out.push({
      aim,
      met: w === undefined ? undefined : w.x >= need,
      detail:
        w === undefined
          ? "no figures"
          : `lowest ${ratio(w.x)} (${w.t}, ${w.g}); ${xs.filter((x) => x.x >= need).length} of ${xs.length} peer×graph ratios reach ${need}×`,
    });
  };
  aimRatio(
    "warm lock ≥10× faster than poetry, pdm and pip on jupyterlab+notebook",
    ["jupyterlab+notebook"],
    "lock warm",
    10,
  );
  aimRatio(
    "warm lock ≥5× faster than each peer on every graph",
    [...fake, ...r.graphs.filter((g) => g.real).map((g) => g.name)],
    "lock warm",
    5,
  );
  aimRatio(
    "cold lock ≥3× faster than each peer (every graph)",
    [...fake, ...r.graphs.filter((g) => g.real).map((g) => g.name)],
    "lock cold",
    3,
  );
  for (const [measure, label] of [
    ["no-op sync", "no-op `sync` ≤1.3× bare `node -e ''`"],
    ["--version", "`--version` ≤1.3× bare `node -e ''`"],
  ] as const) {
    // Each against the `node -e ''` measured in the same interleaved runs.
    const pairs = r.cells
      .filter((c) => c.measure === measure && c.tool === "lockstep" && !c.failed)
      .map((c) => ({ c, floor: find(r, c.graph, measure, "node -e ''") }))
      .filter((x): x is { c: Cell; floor: Cell } => x.floor !== undefined && !x.floor.failed);
    if (pairs.length === 0) {
      out.push({ aim: label, met: undefined, detail: "no figures" });
      continue;
    }
    const w = pairs.reduce((a, b) => (b.c.ms / b.floor.ms > a.c.ms / a.floor.ms ? b : a));
    out.push({
      aim: label,
      met: w.c.ms / w.floor.ms <= 1.3,
      detail: `worst ${(w.c.ms / w.floor.ms).toFixed(2)}×: ${sec(w.c.ms)} s${w.c.graph === "-" ? "" : ` (${w.c.graph})`} against node's ${sec(w.floor.ms)} s in the same runs; ${pairs.filter((x) => x.c.ms / x.floor.ms <= 1.3).length} of ${pairs.length} within 1.3×`,
    });
  }
  const real = r.graphs.filter((g) => g.real).map((g) => g.name);
  if (real.length === 0)
    out.push({ aim: "warm sync ≥10× pip on real wheels", met: undefined, detail: "no local mirror" });
  else {
    const xs = real
      .map((g) => ({ g, x: ratioOf(r, g, "sync warm", "pip") }))
      .filter((x) => Number.isFinite(x.x));
    out.push({
      aim: "warm sync ≥10× pip on real wheels",
      met: xs.length === 0 ? undefined : xs.every((x) => x.x >= 10),
      detail: xs.map((x) => `${x.g}: ${ratio(x.x)}`).join("; ") || "no figures",
    });
    const torch = real.find((g) => g.includes("torch"));
    const l = torch ? find(r, torch, "sync cold", "lockstep") : undefined;
    const p = torch ? find(r, torch, "sync cold", "pip") : undefined;
    if (!l || !p || l.failed || p.failed)
      out.push({
        aim: "cold sync of torch ≤0.7× pip's time, ≤256 MB peak",
        met: undefined,
        detail: "no figures",
      });
    else
      out.push({
        aim: "cold sync of torch ≤0.7× pip's time, ≤256 MB peak",
        met: l.ms / p.ms <= 0.7 && l.peakMiB * 1.048576 <= 256,
        detail: `lockstep ${sec(l.ms)} s, ${l.peakMiB.toFixed(0)} MiB; pip ${sec(p.ms)} s, ${p.peakMiB.toFixed(0)} MiB: ${(l.ms / p.ms).toFixed(2)}× pip's time`,
      });
  }
  return out;
}

/** Horizontal bars of peer/lockstep ratio (log scale) for lock warm, lock cold, sync warm, no-op sync. */
export function svgChart(r: PeersResult): string {
  const measures = ["lock cold", "lock warm", "re-lock unchanged", "sync warm", "no-op sync"];
  const colors: Record<string, string> = { pip: "#3572A5", poetry: "#60A5FA", pdm: "#7C3AED" };
  const groups: Array<{ label: string; bars: Array<{ tool: string; x: number }> }> = [];
  for (const g of r.graphs)
    for (const m of measures) {
      const bars = PEERS.map((t) => ({ tool: t, x: ratioOf(r, g.name, m, t) })).filter((b) =>
        Number.isFinite(b.x),
      );
      if (bars.length > 0) groups.push({ label: `${g.name} — ${m}`, bars });
    }
  const barH = 9;
  const gap = 8;
  const left = 300;
  const width = 900;
  const plotW = width - left - 60;
  const maxX = Math.max(100, ...groups.flatMap((g) => g.bars.map((b) => b.x)));
  const lo = 0.1;
  const scale = (x: number) =>
    ((Math.log10(Math.max(x, lo)) - Math.log10(lo)) / (Math.log10(maxX) - Math.log10(lo))) * plotW;
  const top = 50;
  let y = top;
  const parts: string[] = [];
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  for (const g of groups) {
    const h = g.bars.length * barH;
    parts.push(
      `<text x="${left - 8}" y="${y + h / 2 + 4}" text-anchor="end" font-size="11">${esc(g.label)}</text>`,
    );
    for (const b of g.bars) {
      const w = Math.max(1, scale(b.x));
      parts.push(
        `<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${barH - 1}" fill="${colors[b.tool]}"><title>${b.tool}: ${ratio(b.x)}</title></rect>`,
        `<text x="${(left + w + 4).toFixed(1)}" y="${y + barH - 1}" font-size="8">${ratio(b.x)}</text>`,
      );
      y += barH;
    }
    y += gap;
  }
  const height = y + 30;
  const ticks = [0.1, 1, 3, 10, 100, 1000].filter((t) => t <= maxX);
  const grid = ticks
    .map((t) => {
      const x = left + scale(t);
      return `<line x1="${x.toFixed(1)}" y1="${top - 6}" x2="${x.toFixed(1)}" y2="${y}" stroke="${t === 1 ? "#000" : "#ccc"}" stroke-width="${t === 1 ? 1.2 : 0.6}"/><text x="${x.toFixed(1)}" y="${y + 14}" text-anchor="middle" font-size="10">${t}×</text>`;
    })
    .join("\n");
  const legend = PEERS.map(
    (t, i) =>
      `<rect x="${left + i * 90}" y="22" width="10" height="10" fill="${colors[t]}"/><text x="${left + i * 90 + 14}" y="31" font-size="11">${t}</text>`,
  ).join("\n");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="#fff"/>
<text x="10" y="16" font-size="13" font-weight="bold">peer time / lockstep time, whole processes, medians (log scale; right of the 1× line = lockstep faster)</text>
${legend}
${grid}
${parts.join("\n")}
<text x="10" y="${height - 6}" font-size="9" fill="#555">${esc(r.date)} · ${esc(r.machine)} · pnpm bench peers</text>
</svg>
`;
}

function profileMd(r: PeersResult): string {
  if (r.profiles.length === 0)
    return "_No profile in this run (PEERS_PROFILE=0 or the lockstep runs failed)._";
  return r.profiles
    .map((p) => {
      const fn = p.summary.functions.map(
        (f, i) => `| ${i + 1} | ${f.label.replace(/\|/g, "\\|")} | ${f.ms.toFixed(1)} |`,
      );
      const mod = p.summary.modules.map(
        (f, i) => `| ${i + 1} | ${f.label.replace(/\|/g, "\\|")} | ${f.ms.toFixed(1)} |`,
      );
      return `#### ${p.what} (${p.summary.totalMs.toFixed(0)} ms profiled)\n\n| # | function — module (self time) | ms |\n|--:|---|--:|\n${fn.join("\n")}\n\n| # | module (self time) | ms |\n|--:|---|--:|\n${mod.join("\n")}`;
    })
    .join("\n\n");
}

/** Writes docs/benchmarks.md and docs/benchmarks-peers.svg (when `docs`); returns the stdout table. */
export function writeReport(r: PeersResult, repo: string, docs: boolean): string {
  const table = sideBySide(r);
  const aimList = aims(r);
  const aimMd = aimList
    .map(
      (a) =>
        `| ${a.aim} | ${a.met === undefined ? "not measured" : a.met ? "**met**" : "**missed**"} | ${a.detail} |`,
    )
    .join("\n");
  const graphsMd = r.graphs
    .map((g) => {
      const counts = Object.entries(g.counts)
        .map(([t, n]) => `${t} ${n}`)
        .join(", ");
      const si = g.standIns && g.standIns.length > 0 ? `; stand-ins added for ${g.standIns.join(", ")}` : "";
      const ours = g.counts.lockstep;
      const short = Object.entries(g.counts).filter(
        ([, n]) => ours !== undefined && n !== undefined && n < ours / 2,
      );
      const warn = short
        .map(
          ([t, n]) =>
            ` **Not like for like: ${t} locked ${n} packages against lockstep's ${ours}**${t === "poetry" ? " (poetry 1.3's pkginfo reads no dependencies from newer core-metadata versions, as torch's)" : ""}: its figures for this graph leave the dependencies out.`,
        )
        .join("");
      return `- **${g.name}**: roots \`${g.roots.join(" ")}\`; packages locked: ${counts || "—"}${si}.${warn}`;
    })
    .join("\n");
  if (docs) {
    writeFileSync(join(repo, "docs", "benchmarks-peers.svg"), svgChart(r));
    writeFileSync(join(repo, "docs", "benchmarks.md"), markdown(r, table, aimMd, graphsMd));
  }
  const stdoutAims = aimList.map(
    (a) => `  ${a.met === undefined ? "n/a   " : a.met ? "MET   " : "MISSED"} ${a.aim}: ${a.detail}`,
  );
  return `${table}\n\nAims (issue 17):\n${stdoutAims.join("\n")}\n${r.skipped.map((s) => `skipped: ${s}`).join("\n")}`;
}

function markdown(r: PeersResult, table: string, aimMd: string, graphsMd: string): string {
  const v = Object.entries(r.versions)
    .map(([k, x]) => `${k}: \`${x}\``)
    .join(", ");
  return `# Benchmarks: lockstep against pip, poetry and pdm

Whole processes, as a user runs them, side by side in one run on one machine, every tool pointed at
the same loopback index with its own fresh cache. Generated by \`pnpm bench peers\` (\`bench/peers.ts\`);
the figures below are from the run of ${r.date} (${r.seconds.toFixed(0)} s in all) on ${r.machine},
a machine shared with other work, so single figures are noisy while ratios within the run hold
better. The same figures are in \`bench/results/peers.json\`.

Versions: ${v}.

![peer/lockstep ratios](benchmarks-peers.svg)

Neighbour pages: [benchmarks-startup.md](benchmarks-startup.md) (fixed costs of each command), [benchmarks-warm-lock.md](benchmarks-warm-lock.md) (warm lock: resolving CPU before/after), [benchmarks-cold-lock.md](benchmarks-cold-lock.md) (cold lock: requests, static mirrors, memory).

## Reproduce

\`\`\`
pnpm bench peers                       # everything, ~15 min; rewrites this file and the SVG
PEERS_GRAPHS=cheroot PEERS_REAL=0 pnpm bench peers   # one graph, no real wheels
\`\`\`

Knobs: \`PEERS_GRAPHS\` (substring filter on graph names), \`PEERS_TOOLS\` (e.g. \`lockstep,pdm\`),
\`PEERS_SIZES\` (generated universes, default \`500,2000,5000\`), \`PEERS_RUNS_FAST\`/\`PEERS_RUNS_SLOW\`
(5/3), \`PEERS_CELL_BUDGET_S\` (20: no further runs of a cell once its runs took this long),
\`PEERS_TIMEOUT_S\` (90: a process still running then is killed; its time shows as \`>90 s\` and its ratio as a lower bound, \`≥\`), \`PEERS_REAL=0\`, \`PEERS_PROFILE=0\`, \`PEERS_DOCS=0\`.
When poetry or pdm is missing the bench installs \`python3-poetry\`/\`python3-pdm\` with apt-get if it
runs as root, and otherwise says so and leaves that peer out; likewise \`time\` for peak memory.

## Results

Seconds are medians (runs per tool in the last column); ratios are peer / lockstep (>1: lockstep is
faster). Peak memory is GNU time's maximum resident set of the largest single process (poetry's pip
children are not summed), in MiB. "(any)" rows do not depend on a graph.

${table}

## The aims (issue 17)

| aim | status | figures |
|---|---|---|
${aimMd}

## What each measure runs

| measure | lockstep (bundled CLI, \`node lockstep.mjs\`) | pip 23 (\`python3 -m pip\`) | poetry 1.3 | pdm 2.2 |
|---|---|---|---|---|
| lock cold | \`lock\`, empty cache, no lock | \`install --dry-run --ignore-installed --report\`, empty cache | \`lock\`, empty cache, no lock, no venv | \`lock\`, empty cache, no lock, no venv |
| lock warm | \`lock\`, warm cache, lock deleted | same, warm cache | \`lock\`, lock deleted | \`lock\`, lock deleted |
| re-lock unchanged | \`lock\` with an up-to-date lock (no work by design) | dry-run with its previous pins as constraints | \`lock --no-update\` | \`lock\` |
| lock --check | \`lock --check\` | — | \`lock --check\` | \`lock --check\` |
| upgrade one | \`lock --upgrade-package ROOT\` | dry-run, previous pins but ROOT as constraints | \`update --lock ROOT\` | \`update --no-sync ROOT\` |
| sync cold | \`sync\`, lock present, empty cache, no venv | \`python3 -m venv --without-pip\` + \`pip --python .venv/bin/python install --no-deps --no-compile -r pins.txt\`, empty cache | \`install --no-root --sync\`, empty cache, no venv | \`sync --no-self\`, empty cache, no venv |
| sync warm | same, warm cache, no venv | same, warm cache | same, warm cache | same, warm cache |
| no-op sync | \`sync\` again | the install again | \`install --no-root --sync\` again | \`sync --no-self\` again |

ROOT is the project's first requirement; every graph's lock already holds its newest version, so
"upgrade one" measures the cost of re-resolving with one package unpinned, not a change. pip is the
23.2.1 of the \`python3\` on PATH (pip 26, which issue 17's figures used, is not installable on this
machine), so "pip" in these tables is pip 23. Link mode and bytecode: lockstep hardlinks from its cache
and compiles nothing (its defaults); pip copies, \`--no-compile\`; poetry 1.3 installs each package with
a pip subprocess (copies, compiles bytecode: its default); pdm 2.2 copies with its default
installer settings. All tools use \`requires-python = ">=3.11,<4"\` (poetry refuses a bare \`>=3.11\`
when a dependency says \`<4\`). The venvs use the Python each tool picks: lockstep and pip the
\`python3\` on PATH (pyenv 3.11.7); poetry and pdm run under Debian's \`/usr/bin/python3\` (3.11.2).

Fairness traps handled (see \`../shared/peers.md\`): every tool runs with every \`PIP_*\` variable
removed and \`PIP_CONFIG_FILE=/dev/null\` (this machine's global pip config adds find-links, extra
indexes and a constraints file); poetry gets its source as \`default = true\`,
\`POETRY_VIRTUALENVS_IN_PROJECT=true\`, private \`POETRY_CACHE_DIR\`/\`POETRY_CONFIG_DIR\`, the null
keyring and \`POETRY_NO_INTERACTION=1\`; pdm gets \`PDM_CHECK_UPDATE=false\` and a private
\`PDM_CONFIG_FILE\` (cache_dir, \`use_pyenv = false\`, venv in the project), its source named \`pypi\`;
XDG directories point into each tool's private state. The fixture wheels are written with
Metadata-Version 2.1, because poetry 1.3 reads no dependencies from 2.3 files and would lock the root
alone; the package counts below are the check. pip resolves for this machine only, the others for
every environment (universal locks), so pip's counts are smaller.

## Graphs

${graphsMd}

The snapshot graphs are fixture universes built from \`../shared/data/pypi-snapshots\` (true
metadata, tiny payloads) and served by the fixture server (\`ETag\`, \`Cache-Control: max-age=600\` on
pages). The generated universes (\`bench/peers-graphs.ts\`, seed 17) have N projects of three versions,
each release depending on up to three higher-numbered projects; the root asks for the first 20, so
nearly all N are locked. They get the lock measures only. The real stacks come from this machine's
partial local mirror of PyPI (found through \`pip config list\`), merged into one PEP 503 tree and
served by \`python3 -m http.server\` — a static server: \`Last-Modified\` only, no \`ETag\`, no
\`Cache-Control\`. torch is the CPU build (one 183 MB wheel, pinned \`torch==2.13.0+cpu\`); the CUDA
build on the mirror would pull ~2.5 GB of nvidia wheels.

## Where lockstep's time goes (CPU profiles)

\`node --cpu-prof\` on the bundled CLI (the bundle is unminified; each sample is mapped to its source
module through esbuild's \`// path\` comments). Self time, top 10. \`(program)\` is V8 work outside
JavaScript frames (mostly parsing and compiling the bundle), \`(garbage collector)\` is GC.

${profileMd(r)}
${r.skipped.length > 0 ? `\n## Left out in this run\n\n${r.skipped.map((s) => `- ${s}`).join("\n")}\n` : ""}`;
}
