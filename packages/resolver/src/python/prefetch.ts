/**
 * Prefetch: when a version's dependencies are handed to PubGrub, start loading what the solver
 * will most likely ask next — each dependency's project page, then the metadata of the version
 * candidate selection would pick in that range — so that by the time it is asked, the answer is
 * cached and the solve does not wait on the network.
 *
 * Failures are swallowed here on purpose: the same fetch is made again when the solver asks, and
 * the error surfaces then, attributed to the package that needs it.
 */
import type { VersionSet } from "@lockstep/pep440";
import { unavailableReason } from "./availability";
import type { VersionMap } from "./candidates";
import type { CandidateSelector } from "./candidate-selection";
import type { MetadataSource } from "./metadata";
import type { ResolveOptions } from "./options";
import type { PyPackage } from "./package";

export function prefetch(
  selector: CandidateSelector,
  metadata: MetadataSource,
  options: ResolveOptions,
  p: PyPackage,
  set: VersionSet,
): void {
  if (p.kind !== "package") return;
  const name = p.name;
  const start = (map: VersionMap | undefined) => {
    if (!map) return;
    const v = selector.pick(name, map, set);
    const c = v && map.get(v);
    if (c && !unavailableReason(name, c, options)) {
      const m = metadata.get(selector.mapKey(name), c);
      if (m instanceof Promise) m.catch(() => undefined);
    }
  };
  const map = selector.loadMap(name);
  if (map instanceof Promise) map.then(start, () => undefined);
  else start(map);
}
