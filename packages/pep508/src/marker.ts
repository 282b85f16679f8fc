/**
 * `Marker`: a PEP 508 environment marker as a node of the marker algebra (marker-node.ts).
 *
 * Equal markers (over all environments, as far as the algebra can see) are the same node, so
 * `equals` is identity and `and`/`or`/`isDisjoint` are memoized diagram operations. `toString` is
 * the canonical form (marker-print.ts). Pitfalls: `sys_platform`, `platform_system` and `os_name`
 * are independent variables (`sys_platform == 'linux' and platform_system == 'Windows'` is not
 * FALSE), as are opaque atoms (`in`, string ordering) with everything else.
 */

import { ParseError } from "@lockstep/errors";
import { Version } from "@lockstep/pep440";
import type { VersionSet } from "@lockstep/pep440";
import { Cursor } from "./cursor";
import type { MarkerContext, MarkerEnvironment } from "./environment";
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
import { printMarker } from "./marker-print";
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

/** Parses marker text at a cursor (used for requirement markers too); the cursor's `fail` decides the error. */
export function parseMarkerAt(cur: Cursor): Marker {
  return Marker.fromNode(lower(parseMarkerExpr(cur)));
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

  /** True in every environment. */
  isTrue(): boolean {
    return this.node === TRUE_NODE;
  }

  /** True in no environment. */
  isFalse(): boolean {
    return this.node === FALSE_NODE;
  }

  /** No environment satisfies both. */
  isDisjoint(o: Marker): boolean {
    return and(this.node, o.node) === FALSE_NODE;
  }

  /** Every environment satisfying this satisfies `o`. */
  implies(o: Marker): boolean {
    return and(this.node, not(o.node)) === FALSE_NODE;
  }

  equals(o: Marker): boolean {
    return this.node === o.node;
  }

  /**
   * A simpler marker that agrees with this one for every Python inside `requiresPython`:
   * python_full_version segments outside it take the outcome of their nearest inside neighbour.
   */
  simplify(requiresPython?: VersionSet): Marker {
    const n = this.node;
    if (requiresPython === undefined || n.variable !== PYTHON_FULL_VERSION) return this;
    // requires-python as a node, so its pre-release subtleties (`<3.11` drops 3.11rc1) match ours.
    const allowed = versionSetNode(PYTHON_FULL_VERSION, requiresPython);
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
    return Marker.fromNode(exists(this.node, (v) => v.extraLike));
  }

  /** Only the `extra`/`extras`/`dependency_groups` conditions (everything else projected away). */
  onlyExtras(): Marker {
    return Marker.fromNode(exists(this.node, (v) => !v.extraLike));
  }

  /** Canonical, deterministic text; "" for TRUE. */
  toString(): string {
    let text = texts.get(this.node);
    if (text === undefined) {
      text = printMarker(this.node, atomNode, and, or);
      texts.set(this.node, text);
    }
    return text;
  }
}
