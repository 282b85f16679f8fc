/**
 * A dependency's own metadata asking for a direct URL (`lib @ https://…/lib-1.0.tar.gz`,
 * `lib @ git+https://…`, PEP 508 / PEP 440 direct references). As uv does, such a requirement is
 * followed only when the project itself declares that package with a URL or a source (a source
 * pin, see source-pins.ts): then the project's source wins, whatever URL the dependency names.
 * Otherwise resolution stops with this error rather than backtracking to another version of the
 * dependent (which would silently pick an older release) or fetching code from a location no
 * one reviewed in the project.
 *
 * Pitfall: the URL may carry credentials; the message shows it redacted.
 */
import { LockstepError } from "@lockstep/errors";
import { redact } from "@lockstep/index/auth";
import type { Requirement } from "@lockstep/pep508";

export class TransitiveUrlError extends LockstepError {
  constructor(
    /** The package whose metadata holds the requirement (`tool`, `tool[x]`). */
    readonly dependent: string,
    readonly requirement: Requirement,
  ) {
    const name = requirement.canonicalName;
    const url = redact(requirement.url ?? "");
    const source = url.startsWith("git+") ? `{ git = "${url.slice(4)}" }` : `{ url = "${url}" }`;
    super(
      "transitive-url",
      `${dependent} requires ${name} from the direct URL ${url}, but the project does not declare ${name}. ` +
        `A package's own dependencies may not name URLs: only the project decides where code comes from.`,
      {
        hint: `declare it in the project: add "${name} @ ${url}" to [project] dependencies, or "${name}" there with [tool.lockstep.sources] ${name} = ${source}`,
      },
    );
  }
}
