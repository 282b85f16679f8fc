/**
 * A dependency's own metadata asking for a direct URL (`lib @ https://…/lib-1.0.tar.gz`,
 * `lib @ git+https://…`, PEP 508 / PEP 440 direct references). As uv does, such a requirement is
 * followed only when the project itself declares that package with a URL or a source (a source
 * pin, see source-pins.ts) naming the same resource (`RequestedUrl.matches`). When the project
 * declares no URL for it, `TransitiveUrlError`; when it declares another one, `ConflictingUrlError`
 * (uv's "Requirements contain conflicting URLs for package"). Either way resolution stops rather
 * than backtracking to another version of the dependent (which would silently pick an older
 * release) or fetching code from a location no one reviewed in the project. The project's own
 * requirement may name a URL different from its source: the source wins there (as uv's
 * `tool.uv.sources` does), since both are the project's word.
 *
 * Pitfall: the URLs may carry credentials; messages show them redacted.
 */
import { LockstepError } from "@lockstep/errors";
import { redact } from "@lockstep/index/auth";
import type { Requirement } from "@lockstep/pep508";
import type { SourcePin } from "./source-pins";

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

export class ConflictingUrlError extends LockstepError {
  constructor(
    /** The package whose metadata holds the requirement (`tool`, `tool[x]`). */
    readonly dependent: string,
    readonly requirement: Requirement,
    /** The project's source for that package. */
    pin: SourcePin,
  ) {
    const name = requirement.canonicalName;
    const theirs = redact(requirement.url ?? "");
    const ours = pin.requested
      ? `${pin.requested.url} (the project: ${pin.describe})`
      : `the project: ${pin.describe}`;
    super(
      "conflicting-urls",
      `Requirements contain conflicting URLs for package \`${name}\`:\n- ${ours}\n- ${theirs} (required by ${dependent})`,
      {
        hint: `the project decides where ${name} comes from, and ${dependent}'s own metadata names another location: point the project's source for ${name} at ${theirs}, or use a version of ${dependent} that does not name a URL`,
      },
    );
  }
}
