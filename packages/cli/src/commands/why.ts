/**
 * `lockstep why NAME`: every chain of requirements that brings NAME into the lock, one line each:
 *
 * ```
 * socksify v1.7.1
 * example-app → fetchkit[socks]>=2.2 → socksify!=1.5.0,>=1.5.6 (extra == 'socks')
 * ```
 *
 * The work is `@lockstep/project/audit`'s `whyPackage`; this file declares the flags and renders. An
 * edge from the project through an extra or a group says so (`example-app (group: dev) → …`); an
 * edge whose marker is not known (metadata not available) shows `(marker unknown)`.
 */
import type { Argv } from "yargs";
import type { WhyResult, WhyStep } from "@lockstep/project/audit";
import { outputFormatOption } from "./admin-options";
import type { OutputFormatArgs } from "./admin-options";
import { projectOption } from "./lock";
import { renderJson, warn } from "../output";
import type { Output } from "../output";

export interface WhyArgs extends OutputFormatArgs {
  name?: string | undefined;
  project?: string | undefined;
  environment?: string | undefined;
  frozen?: boolean | undefined;
  offline?: boolean | undefined;
  "cache-dir"?: string | undefined;
}

export function whyBuilder<T>(y: Argv<T>) {
  return outputFormatOption(projectOption(y))
    .positional("name", { type: "string", describe: "The package to explain" })
    .option("environment", {
      type: "string",
      requiresArg: true,
      describe:
        'Only chains that apply in this environment: a PEP 508 marker (sys_platform == "win32" and python_version == "3.12") or linux, macos, windows',
    })
    .option("frozen", { type: "boolean", describe: "Do not check the lock against pyproject.toml" });
}

function stepText(s: WhyStep): string {
  const marker = s.marker === undefined ? " (marker unknown)" : s.marker ? ` (${s.marker})` : "";
  // One of two entries of one name and version (split by marker): which one.
  const entry = s.to.marker ? ` [entry: ${s.to.marker}]` : "";
  return `${s.requirement}${marker}${entry}`;
}

export function renderChains(r: WhyResult, out: Output): string {
  const st = out.style;
  const bold = (t: string) => (st ? st.bold(t) : t);
  const dim = (t: string) => (st ? st.dim(t) : t);
  const lines: string[] = [
    `${bold(r.name)}${r.versions.length ? ` ${r.versions.map((v) => `v${v}`).join(", ")}` : ""}${r.environment ? dim(` (in ${r.environment})`) : ""}`,
  ];
  for (const chain of r.chains) {
    const first = chain[0] as WhyStep;
    const via = first.via && first.via !== "dependencies" ? dim(` (${first.via})`) : "";
    lines.push(`${first.from}${via} → ${chain.map(stepText).join(" → ")}`);
  }
  if (r.chains.length === 0)
    lines.push(
      r.environment
        ? `No chain brings ${r.name} in for this environment`
        : `No chain from the project reaches ${r.name}`,
    );
  if (r.truncated) lines.push(`… (stopped after ${r.chains.length} chains)`);
  return `${lines.join("\n")}\n`;
}

export async function runWhy(args: WhyArgs, out: Output): Promise<number> {
  const { UsageError } = await import("@lockstep/errors");
  if (!args.name) throw new UsageError("`lockstep why` needs a package name", "lockstep why NAME");
  const { whyPackage } = await import("@lockstep/project/audit");
  const result = await whyPackage(args.name, {
    project: args.project,
    frozen: args.frozen,
    environment: args.environment,
    offline: args.offline,
    cacheDir: args["cache-dir"],
  });
  for (const w of result.warnings) warn(out, w);
  if (result.notes.length > 0)
    warn(
      out,
      `the core metadata of ${result.notes.join(", ")} could not be read, so the markers of their edges are unknown`,
    );
  if (args["output-format"] === "json") {
    const { warnings: _w, ...data } = result;
    renderJson(out, data);
  } else {
    out.stdout(renderChains(result, out));
  }
  return 0;
}
