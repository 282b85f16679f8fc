/**
 * Which direct URLs name the same resource as a project's source (url-identity.ts): a dependency's
 * own `lib @ <url>` is followed only when it does; otherwise lock stops with conflicting URLs.
 */
import { describe, expect, test } from "vitest";
import { gitRequested, pathRequested, urlIdentity, urlRequested } from "./url-identity";

describe("url identity", () => {
  const git = gitRequested("https://tok@Host/org/lib.git", { kind: "tag", value: "v1" }, "py");
  const archive = urlRequested("https://user:pw@files.example/lib-1.0.tar.gz", undefined);
  const snapshot = urlRequested("https://files.example/repo.zip", "packages/lib");
  const path = pathRequested("/work/lib");

  test.each<[string, ReturnType<typeof gitRequested>, string, boolean]>([
    [
      "git: same repository, revision and subdirectory",
      git,
      "git+https://host/org/lib@v1#subdirectory=py",
      true,
    ],
    ["git: another revision", git, "git+https://host/org/lib.git@v2#subdirectory=py", false],
    ["git: no subdirectory", git, "git+https://host/org/lib.git@v1", false],
    ["git: another repository", git, "git+https://host/org/fork.git@v1#subdirectory=py", false],
    [
      "archive: same file, other credentials and a sha256 fragment",
      archive,
      "https://files.example/lib-1.0.tar.gz#sha256=ab",
      true,
    ],
    ["archive: another file", archive, "https://files.example/lib-2.0.tar.gz", false],
    ["archive: a git URL", archive, "git+https://files.example/lib-1.0.tar.gz", false],
    [
      "snapshot: subdirectory in the fragment",
      snapshot,
      "https://files.example/repo.zip#subdirectory=packages/lib",
      true,
    ],
    ["snapshot: without the subdirectory", snapshot, "https://files.example/repo.zip", false],
    ["path: file URL of the same directory", path, "file:///work/lib", true],
    ["path: file URL of another directory", path, "file:///work/lib2", false],
    ["unparsable URL", archive, "not a url", false],
  ])("%s", (_label, requested, url, same) => {
    expect(requested.matches(url)).toBe(same);
  });

  test.each([
    [git.url, "git+https://Host/org/lib.git@v1#subdirectory=py"],
    [archive.url, "https://files.example/lib-1.0.tar.gz"],
    [snapshot.url, "https://files.example/repo.zip#subdirectory=packages/lib"],
    [path.url, "file:///work/lib"],
  ])("shown without credentials: %s", (shown, expected) => {
    expect(shown).toBe(expected);
  });

  test("identity ignores credentials and the hash fragment, keeps the subdirectory", () => {
    expect(urlIdentity("https://a:b@h/x.whl#sha256=00")).toBe("url https://h/x.whl ");
    expect(urlIdentity("https://h/x.zip#subdirectory=p")).toBe("url https://h/x.zip p");
  });
});
