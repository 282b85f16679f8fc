/** Exit codes are distinct per kind of failure; Node's `Invalid URL` names the URL, redacted. */
import { describe, expect, test } from "vitest";
import { LockstepError, UsageError } from "@lockstep/errors";
import { LockStaleError } from "@lockstep/project";
import { EXIT_FAILURE, EXIT_LOCK_STALE, EXIT_USAGE, exitCodeFor, renderError } from "./exit-code";

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (err) {
    return err;
  }
  throw new Error("did not throw");
}

describe("exitCodeFor", () => {
  test.each<[string, unknown, number]>([
    ["usage", new UsageError("bad flag"), EXIT_USAGE],
    ["stale lock", new LockStaleError("pylock.toml", ["x was added"]), EXIT_LOCK_STALE],
    ["other lockstep error", new LockstepError("lock-missing", "no lock"), EXIT_FAILURE],
    ["plain error", new Error("boom"), EXIT_FAILURE],
  ])("%s", (_name, err, code) => {
    expect(exitCodeFor(err)).toBe(code);
  });

  test("the codes are distinct", () => {
    expect(new Set([0, EXIT_FAILURE, EXIT_USAGE, EXIT_LOCK_STALE]).size).toBe(4);
  });
});

describe("renderError", () => {
  test.each([
    ["https://user:secret@exa mple.com/simple", 'Invalid URL: "https://exa mple.com/simple"'],
    ["not a url", 'Invalid URL: "not a url"'],
  ])("new URL(%j)", (input, text) => {
    expect(renderError(thrown(() => new URL(input)))).toBe(text);
  });

  test("a lockstep error renders its hint", () => {
    expect(renderError(new UsageError("bad", "try this"))).toBe("bad\n  hint: try this");
  });
});
