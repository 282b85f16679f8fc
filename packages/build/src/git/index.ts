/** Git sources: URLs, the `git` binary, and the cache of bare repositories and checkouts. */
export { GitError } from "./git-error";
export {
  parseGitUrl,
  formatGitUrl,
  canonicalRepository,
  repositoryKey,
  isFullCommit,
  checkSubdirectory,
} from "./git-url";
export type { GitSpec, GitRevision } from "./git-url";
export { runGit } from "./git-command";
export { GitCache, GIT_CACHE_BUCKET, describeRevision } from "./git-cache";
export type { GitCacheOptions, ResolveGitInput } from "./git-cache";
