/**
 * Core metadata of a candidate, fetched once per (name, version) across every fork of a
 * resolution: the requirements (Requires-Dist) and Requires-Python the dependencies are built from.
 *
 * The file read is the best wheel for the target, else any wheel (wheels of one version share
 * their metadata in practice), else the sdist. The index client tries PEP 658 `.metadata` files,
 * then range requests, then the whole file. The cache holds the promise while a fetch is under
 * way, so concurrent askers (the solver and the prefetcher) share one request.
 */
import type { DistFile, IndexClient } from "@lockstep/index";
import type { SpecifierSet } from "@lockstep/pep440";
import type { Requirement } from "@lockstep/pep508";
import { parseCoreMetadata } from "@lockstep/wheel";
import type { Candidate } from "./candidates";
import type { ResolveOptions } from "./options";

export interface ParsedMetadata {
  requiresDist: Requirement[];
  requiresPython: SpecifierSet | undefined;
}

/** `name==version` → its metadata, or the fetch under way. */
export type MetadataCache = Map<string, ParsedMetadata | Promise<ParsedMetadata>>;

export class MetadataSource {
  constructor(
    private readonly client: IndexClient,
    private readonly options: ResolveOptions,
    private readonly cache: MetadataCache,
  ) {}

  /** The metadata of `c`, a version of `name`: at once when cached, else a shared fetch. */
  get(name: string, c: Candidate): ParsedMetadata | Promise<ParsedMetadata> {
    const key = `${name}==${c.version.toString()}`;
    if (c.pinned) return { requiresDist: c.pinned.requiresDist, requiresPython: c.pinned.requiresPython };
    const hit = this.cache.get(key);
    if (hit) return hit;
    const file = this.fileFor(c);
    if (!file) return { requiresDist: [], requiresPython: undefined };
    const p = this.client.metadata(file).then((text) => {
      const meta = parseCoreMetadata(text, file.url);
      const parsed: ParsedMetadata = {
        requiresDist: meta.requiresDist,
        requiresPython: meta.requiresPython,
      };
      this.cache.set(key, parsed);
      return parsed;
    });
    this.cache.set(key, p);
    return p;
  }

  /** The file to read metadata from: the best compatible wheel, any wheel, or the sdist. */
  private fileFor(c: Candidate): DistFile | undefined {
    const target = this.options.target;
    const noBinary = this.options.noBinary;
    const wheels = c.wheels.map((w) => w.file).sort((a, b) => (a.filename < b.filename ? -1 : 1));
    if (target.kind === "specific" && target.tags && wheels.length > 0) {
      const best = target.tags.bestWheel(wheels);
      if (best) return best;
    }
    if (noBinary === "all" && c.sdist) return c.sdist;
    return wheels[0] ?? c.sdist;
  }
}
