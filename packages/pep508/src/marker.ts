/**
 * `Marker`: a PEP 508 environment marker as a node of the marker algebra (marker-node.ts).
 *
 * Markers that agree on every environment are the same node, and `and`/`or`/`not` are memoized
 * diagram operations on it; evaluation walks that node, so it is literal PEP 508 evaluation.
 * The questions (`isFalse`, `isTrue`, `isDisjoint`, `implies`, `equals`) and the canonical text
 * (`toString`, marker-print.ts) are answered over *consistent* environments (marker-knowledge.ts):
 * `sys_platform == 'linux' and platform_system == 'Darwin'` is false, and
 * `platform_system == 'Windows'` prints as `sys_platform == 'win32'`.
 * Pitfalls: two markers can be `equals` yet differ on an inconsistent environment (and so be
 * different objects); opaque atoms (`in`, string ordering) stay independent of everything else.
 */

import { ParseError } from "@lockstep/errors";
import { Version } from "@lockstep/pep440";
import type { VersionSet } from "@lockstep/pep440";
import { Cursor } from "./cursor";
import type { MarkerContext, MarkerEnvironment } from "./environment";
import {
  consistent,
  consistentEnvironments,
  isPreferred,
  isUnsatisfiable,
  needsKnowledge,
  relatedMask,
} from "./marker-knowledge";
import { PYTHON_FULL_VERSION, lower, versionSetNode } from "./marker-lower";
import {
  FALSE_NODE,
  TRUE_NODE,
  and,
  compareCuts,
  exists,
  not,
  or,
  segmentOf,
  stringChild,
  versionNode,
} from "./marker-node";
import type { MarkerNode } from "./marker-node";
import { parseMarkerExpr } from "./marker-parser";
import { FALSE_TEXT, printMarker } from "./marker-print";
import { restrict } from "./marker-restrict";
import { canonicalizeName } from "./names";

const wrappers = new WeakMap<MarkerNode, Marker>();
const texts = new WeakMap<MarkerNode, string>();
const atomNodes = new Map<string, MarkerNode>();
const parsedVersions = new Map<string, Version | undefined>();

function parseVersionCached(text: string): Version | undefined {
  let v = parsedVersions.get(text);
  if (v === undefined && !parsedVersions.has(text)) {
    v = Version.tryParse(text) ?? undefined;
    if (parsedVersions.size > 10_000) parsedVersions.clear();
    parsedVersions.set(text, v);
  }
  return v;
}

/** Markers that ran to the end of their input, by that text (the same markers recur in metadata). */
const markerTails = new Map<string, Marker>();

/**
 * Parses marker text at a cursor (used for requirement markers too); the cursor's `fail` decides the
 * error. A marker that runs to the end of the input is remembered by its text: parsing the same
 * text again would consume it all and give the same node.
 */
export function parseMarkerAt(cur: Cursor): Marker {
  const start = cur.pos;
  const tail = cur.input.slice(start);
  const hit = markerTails.get(tail);
  if (hit !== undefined) {
    cur.pos = cur.input.length;
    return hit;
  }
  const marker = Marker.fromNode(lower(parseMarkerExpr(cur)));
  if (cur.pos === cur.input.length) {
    if (markerTails.size >= 20_000) markerTails.clear();
    markerTails.set(tail, marker);
  }
  return marker;
}

function atomNode(text: string): MarkerNode {
  let node = atomNodes.get(text);
  if (node === undefined) {
    node = Marker.parse(text).node;
    atomNodes.set(text, node);
  }
  return node;
}

export class Marker {
  static readonly TRUE: Marker = new Marker(TRUE_NODE);
  static readonly FALSE: Marker = new Marker(FALSE_NODE);

  private constructor(
    /** The diagram node; identical for equal markers. */
    readonly node: MarkerNode,
  ) {
    wrappers.set(node, this);
  }

  static fromNode(node: MarkerNode): Marker {
    return wrappers.get(node) ?? new Marker(node);
  }

  /** Parses PEP 508 marker text; empty (or blank) text is TRUE. Throws ParseError `marker-invalid`. */
  static parse(input: string): Marker {
    if (input.trim() === "") return Marker.TRUE;
    const cur = new Cursor(input, (reason, start, end = start + 1) => {
      throw new ParseError("marker-invalid", "marker", input, reason, { start, end });
    });
    const marker = parseMarkerAt(cur);
    cur.skipWs();
    if (!cur.atEnd()) cur.fail("Expected `and`, `or` or the end of the marker", cur.pos, input.length);
    return marker;
  }

  evaluate(env: MarkerEnvironment, ctx?: MarkerContext): boolean {
    let n = this.node;
    while (n.variable !== undefined) {
      const v = n.variable;
      switch (v.kind) {
        case "version":
          n = n.children[segmentOf(n, parseVersionCached(env[v.key as keyof MarkerEnvironment]))]!;
          break;
        case "string":
          n = stringChild(
            n,
            v.key === "extra" ? canonicalizeName(ctx?.extra ?? "") : env[v.key as keyof MarkerEnvironment],
          );
          break;
        case "bool":
          n = n.children[v.test!.evaluate(env, ctx) ? 1 : 0]!;
          break;
      }
    }
    return n === TRUE_NODE;
  }

  and(o: Marker): Marker {
    return Marker.fromNode(and(this.node, o.node));
  }

  or(o: Marker): Marker {
    return Marker.fromNode(or(this.node, o.node));
  }

  not(): Marker {
    return Marker.fromNode(not(this.node));
  }

  /** True in every consistent environment. */
  isTrue(): boolean {
    return this.node === TRUE_NODE || isUnsatisfiable(not(this.node));
  }

  /** True in no consistent environment. */
  isFalse(): boolean {
    return isUnsatisfiable(this.node);
  }

  /** No consistent environment satisfies both. */
  isDisjoint(o: Marker): boolean {
    return isUnsatisfiable(and(this.node, o.node));
  }

  /** Every consistent environment satisfying this satisfies `o`. */
  implies(o: Marker): boolean {
    return isUnsatisfiable(and(this.node, not(o.node)));
  }

  /** Agrees with `o` on every consistent environment. */
  equals(o: Marker): boolean {
    if (this.node === o.node) return true;
    if (!needsKnowledge(relatedMask(this.node) | relatedMask(o.node))) return false;
    return consistent(this.node) === consistent(o.node);
  }

  /**
   * A simpler marker that agrees with this one for every Python inside `requiresPython`:
   * python_full_version segments outside it take the outcome of their nearest inside neighbour.
   */
  simplify(requiresPython?: VersionSet): Marker {
    const n = this.node;
    if (requiresPython === undefined || n.variable !== PYTHON_FULL_VERSION) return this;
    let memo = simplified.get(requiresPython);
    if (memo === undefined) {
      // requires-python as a node, so its pre-release subtleties (`<3.11` drops 3.11rc1) match ours.
      memo = { allowed: versionSetNode(PYTHON_FULL_VERSION, requiresPython), results: new WeakMap() };
      simplified.set(requiresPython, memo);
    }
    let result = memo.results.get(n);
    if (result === undefined) {
      result = this.simplifyUnder(memo.allowed);
      memo.results.set(n, result);
    }
    return result;
  }

  private simplifyUnder(allowed: MarkerNode): Marker {
    const n = this.node;
    if (allowed === FALSE_NODE) return this;
    const inside = n.children.map((_, i) => {
      if (allowed === TRUE_NODE) return true;
      const lo = n.cuts[i - 1];
      const hi = n.cuts[i];
      // Overlap of (lo, hi) with any TRUE segment (a, b) of `allowed`.
      return allowed.children.some((c, j) => {
        if (c !== TRUE_NODE) return false;
        const a = allowed.cuts[j - 1];
        const b = allowed.cuts[j];
        const from = lo === undefined ? a : a === undefined ? lo : compareCuts(lo, a) >= 0 ? lo : a;
        const to = hi === undefined ? b : b === undefined ? hi : compareCuts(hi, b) <= 0 ? hi : b;
        return from === undefined || to === undefined || compareCuts(from, to) < 0;
      });
    });
    const children = n.children.map((child, i) => {
      if (inside[i]) return child;
      for (let j = i + 1; j < n.children.length; j++) if (inside[j]) return n.children[j]!;
      for (let j = i - 1; j >= 0; j--) if (inside[j]) return n.children[j]!;
      return child;
    });
    return Marker.fromNode(versionNode(PYTHON_FULL_VERSION, n.cuts, children));
  }

  /** The marker with `extra`, `extras` and `dependency_groups` conditions projected away (existentially). */
  withoutExtras(): Marker {
    let m = withoutExtrasMemo.get(this.node);
    if (m === undefined) {
      m = Marker.fromNode(exists(this.node, (v) => v.extraLike));
      withoutExtrasMemo.set(this.node, m);
    }
    return m;
  }

  /** Only the `extra`/`extras`/`dependency_groups` conditions (everything else projected away). */
  onlyExtras(): Marker {
    return Marker.fromNode(exists(this.node, (v) => !v.extraLike));
  }

  /**
   * Whether the canonical text (`toString`) mentions `python_version` or `python_full_version`
   * anywhere, a string value included. Printing writes only the names, atom texts and string values
   * of the diagram, versions, the platform words marker-knowledge substitutes (none of which is
   * such a word) and, for a false marker, FALSE_TEXT (which is); so a diagram with none of them
   * answers without being printed, which is costly for markers the platform knowledge applies to.
   */
  mentionsPythonVersion(): boolean {
    let answer = mentionsPython.get(this.node);
    if (answer === undefined) {
      // A marker false everywhere prints as FALSE_TEXT, which is such a word.
      answer = diagramMentions(this.node, PYTHON_WORD, new Set())
        ? PYTHON_WORD.test(this.toString())
        : this.isFalse();
      mentionsPython.set(this.node, answer);
    }
    return answer;
  }

  /**
   * Canonical, deterministic text ("" for TRUE): markers that are `equals` print the same, with
   * conditions implied by the others left out (`sys_platform == 'linux' and platform_system ==
   * 'Linux'` prints as `sys_platform == 'linux'`).
   */
  toString(): string {
    let text = texts.get(this.node);
    if (text === undefined) {
      text = printCanonical(this.node);
      texts.set(this.node, text);
    }
    return text;
  }
}

/** `withoutExtras` per node (a projection: pure, and asked again for every version's requirements). */
const withoutExtrasMemo = new WeakMap<MarkerNode, Marker>();

/** Per requires-python set: its node, and the simplified marker of each node (both pure). */
const simplified = new WeakMap<VersionSet, { allowed: MarkerNode; results: WeakMap<MarkerNode, Marker> }>();

const PYTHON_WORD = /python_(full_)?version/;
const mentionsPython = new WeakMap<MarkerNode, boolean>();

/** Whether some variable name, atom text or string value of the diagram matches `word`. */
function diagramMentions(node: MarkerNode, word: RegExp, seen: Set<MarkerNode>): boolean {
  const v = node.variable;
  if (v === undefined || seen.has(node)) return false;
  seen.add(node);
  if (word.test(v.key) || v.texts?.some((t) => word.test(t)) || node.values.some((x) => word.test(x)))
    return true;
  if (node.other !== undefined && diagramMentions(node.other, word, seen)) return true;
  return node.children.some((c) => diagramMentions(c, word, seen));
}

function printCanonical(node: MarkerNode): string {
  // Without os_name/sys_platform/platform_system/implementation variables the knowledge has
  // nothing to say (every such class is one node), and the node prints as it is.
  if (relatedMask(node) === 0) return printMarker(node, atomNode, and, or);
  const target = consistent(node);
  if (target === FALSE_NODE) return FALSE_TEXT;
  const all = consistentEnvironments();
  if (target === all) return "";
  const representative = restrict(target, all, isPreferred);
  return printMarker(representative, atomNode, and, or, (candidate) => consistent(candidate) === target);
}
