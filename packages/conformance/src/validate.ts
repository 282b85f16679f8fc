/**
 * An independent check of a single-environment answer: every requirement of the root and of each
 * chosen package (with the extras asked of it) is met under its markers, one version per package.
 * It knows nothing of the resolver: it reads the universe's own metadata through the index client.
 */
import type { IndexClient } from "@lockstep/index";
import type { Version } from "@lockstep/pep440";
import type { MarkerEnvironment, Requirement } from "@lockstep/pep508";
import { parseCoreMetadata } from "@lockstep/wheel";
import { SdistFilename, WheelFilename } from "@lockstep/wheel";

export async function validateSolution(
  client: IndexClient,
  roots: Requirement[],
  chosen: Map<string, Version>,
  env: MarkerEnvironment,
): Promise<string[]> {
  const problems: string[] = [];
  const requested = new Map<string, Set<string>>();
  const queue: Array<{ req: Requirement; from: string }> = roots.map((req) => ({ req, from: "the root" }));
  const seen = new Set<string>();
  while (queue.length > 0) {
    const { req, from } = queue.shift() as { req: Requirement; from: string };
    const name = req.canonicalName;
    const v = chosen.get(name);
    if (!v) {
      problems.push(`${from} requires ${req.toString()}, but ${name} was not chosen`);
      continue;
    }
    if (!req.specifier.contains(v, { prereleases: true })) {
      problems.push(`${from} requires ${req.toString()}, but ${name} ${v.toString()} was chosen`);
    }
    const extras = requested.get(name) ?? new Set<string>();
    requested.set(name, extras);
    const todo = ["", ...req.extras.filter((e) => !extras.has(e))];
    for (const e of req.extras) extras.add(e);
    for (const extra of todo) {
      const key = `${name}[${extra}]`;
      if (seen.has(key)) continue;
      seen.add(key);
      const page = await client.project(name);
      const file = page.files.find((f) => {
        try {
          const fv = f.filename.endsWith(".whl")
            ? WheelFilename.parse(f.filename).version
            : SdistFilename.parse(f.filename, name).version;
          return fv.equals(v);
        } catch {
          return false;
        }
      });
      if (!file) {
        problems.push(`${name} ${v.toString()} has no file on the index`);
        continue;
      }
      const meta = parseCoreMetadata(await client.metadata(file), file.url);
      for (const dep of meta.requiresDist) {
        const applies =
          extra === ""
            ? dep.marker.evaluate(env, { extra: "" })
            : dep.marker.evaluate(env, { extra }) && !dep.marker.evaluate(env, { extra: "" });
        if (applies) queue.push({ req: dep, from: `${name} ${v.toString()}${extra ? `[${extra}]` : ""}` });
      }
    }
  }
  for (const name of chosen.keys())
    if (!requested.has(name)) problems.push(`${name} was chosen but nothing requires it`);
  return problems;
}
