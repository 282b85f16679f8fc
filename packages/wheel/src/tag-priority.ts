/**
 * Ranking wheels for one target: a tag's priority is its position in the supported-tag list (earlier
 * is better), and a wheel's is the best over all tags in its compressed sets.
 *
 * Pitfalls: a wheel is compatible if *any* of its tags is supported, so `py2.py3-none-any` must not be
 * rejected for its `py2` half; ties (two wheels sharing their best tag) are broken by the build tag,
 * higher first, as the wheel spec says, and then by file name, so the choice never depends on the
 * order an index happened to list the files in.
 */

import { compareBuildTags, wheelTagsOf, type BuildTag } from "./wheel-filename";
import { supportedTags } from "./supported-tags";
import { formatTag, type Tag } from "./tag";
import type { TargetEnv } from "./target";

export class TagPriority {
  private readonly ranks = new Map<string, number>();

  /** `tags` most preferred first, as `supportedTags` returns them. */
  constructor(tags: readonly string[]) {
    tags.forEach((tag, i) => {
      const key = tag.toLowerCase();
      if (!this.ranks.has(key)) this.ranks.set(key, tags.length - i);
    });
  }

  static forTarget(target: TargetEnv): TagPriority {
    return new TagPriority(supportedTags(target));
  }

  /** Higher is better; undefined when the tag is not supported at all. */
  priority(tag: Tag | string): number | undefined {
    return this.ranks.get(typeof tag === "string" ? tag.toLowerCase() : formatTag(tag).toLowerCase());
  }

  /** The best priority over a wheel's tags, or undefined when none is supported (or not a wheel). */
  wheelPriority(filename: string): number | undefined {
    const parsed = wheelTagsOf(filename);
    return parsed && this.bestRank(parsed.tags);
  }

  isCompatible(filename: string): boolean {
    return this.wheelPriority(filename) !== undefined;
  }

  /** The most preferred compatible wheel, or undefined when none is compatible. */
  bestWheel<T extends { filename: string }>(wheels: readonly T[]): T | undefined {
    let best: { wheel: T; rank: number; build: BuildTag | undefined } | undefined;
    for (const wheel of wheels) {
      const parsed = wheelTagsOf(wheel.filename);
      const rank = parsed && this.bestRank(parsed.tags);
      if (rank === undefined) continue;
      const build = parsed?.build;
      if (best) {
        const byBuild = compareBuildTags(build, best.build);
        const better =
          rank > best.rank ||
          (rank === best.rank && (byBuild > 0 || (byBuild === 0 && wheel.filename < best.wheel.filename)));
        if (!better) continue;
      }
      best = { wheel, rank, build };
    }
    return best?.wheel;
  }

  private bestRank(tags: readonly string[]): number | undefined {
    let best: number | undefined;
    for (const tag of tags) {
      const rank = this.ranks.get(tag);
      if (rank !== undefined && (best === undefined || rank > best)) best = rank;
    }
    return best;
  }
}
