/**
 * The two refusals of a dependency's own direct URL (transitive-url.ts): the project declares no URL
 * for the package, or declares another one. Messages name both URLs and who asked for each, with
 * credentials removed.
 */
import { Requirement } from "@lockstep/pep508";
import { describe, expect, test } from "vitest";
import type { SourcePin } from "./source-pins";
import { ConflictingUrlError, TransitiveUrlError } from "./transitive-url";

const pin = (requested: SourcePin["requested"]): SourcePin => ({
  describe: '[tool.lockstep.sources] lib = { git = "https://host/lib", tag = "v1" }',
  requested,
  load: () => Promise.reject(new Error("not loaded")),
});

describe("transitive URL refusals", () => {
  test.each<[string, Error, string, string]>([
    [
      "conflicting: the project's source has a location",
      new ConflictingUrlError(
        "tool",
        Requirement.parse("lib @ https://user:secret@files.example/lib-1.0.tar.gz"),
        pin({ url: "git+https://host/lib@v1", matches: () => false }),
      ),
      [
        "Requirements contain conflicting URLs for package `lib`:",
        '- git+https://host/lib@v1 (the project: [tool.lockstep.sources] lib = { git = "https://host/lib", tag = "v1" })',
        "- https://files.example/lib-1.0.tar.gz (required by tool)",
      ].join("\n"),
      "the project decides where lib comes from, and tool's own metadata names another location: point the project's source for lib at https://files.example/lib-1.0.tar.gz, or use a version of tool that does not name a URL",
    ],
    [
      "conflicting: a pin without a location",
      new ConflictingUrlError(
        "tool[x]",
        Requirement.parse("lib @ git+https://host/other@v2"),
        pin(undefined),
      ),
      [
        "Requirements contain conflicting URLs for package `lib`:",
        '- the project: [tool.lockstep.sources] lib = { git = "https://host/lib", tag = "v1" }',
        "- git+https://host/other@v2 (required by tool[x])",
      ].join("\n"),
      "the project decides where lib comes from, and tool[x]'s own metadata names another location: point the project's source for lib at git+https://host/other@v2, or use a version of tool[x] that does not name a URL",
    ],
    [
      "undeclared",
      new TransitiveUrlError("tool", Requirement.parse("lib @ https://tok@files.example/lib-1.0.tar.gz")),
      "tool requires lib from the direct URL https://files.example/lib-1.0.tar.gz, but the project does not declare lib. A package's own dependencies may not name URLs: only the project decides where code comes from.",
      'declare it in the project: add "lib @ https://files.example/lib-1.0.tar.gz" to [project] dependencies, or "lib" there with [tool.lockstep.sources] lib = { url = "https://files.example/lib-1.0.tar.gz" }',
    ],
  ])("%s", (_label, err, message, hint) => {
    expect(err.message).toBe(message);
    expect((err as TransitiveUrlError).hint).toBe(hint);
  });
});
