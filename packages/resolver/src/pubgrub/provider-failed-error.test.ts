import { LockstepError } from "@lockstep/errors";
import { describe, expect, test } from "vitest";
import { OfflineProvider } from "./offline-provider";
import { ProviderFailedError } from "./provider-failed-error";
import { resolve } from "./solver";
import type { Ranges } from "../../testing/semver-ranges";
import { parseRange, rangesOps } from "../../testing/semver-ranges";

const ops = rangesOps(true);
const r = (s: string) => parseRange(s, true);

/** root 1 → a, a 2 → b; a 2's dependencies or b's versions cannot be read. */
function failing(failure: "dependencies" | "versions", error: unknown, async: boolean) {
  const p = new OfflineProvider<number, Ranges>(ops, { compare: (a, b) => a - b, async })
    .add("root", 1, [["a", r("any")]])
    .add("a", 2, [["b", r("any")]])
    .add("b", 1, []);
  const fail = () =>
    async
      ? Promise.reject(error)
      : (() => {
          throw error;
        })();
  return Object.assign(Object.create(p) as OfflineProvider<number, Ranges>, {
    getDependencies: (pkg: string, v: number) =>
      failure === "dependencies" && pkg === "a" ? fail() : p.getDependencies(pkg, v),
    chooseVersion: (pkg: string, range: Ranges) =>
      failure === "versions" && pkg === "b" ? fail() : p.chooseVersion(pkg, range),
  });
}

const hinted = new LockstepError("index-http", "GET http://127.0.0.1/simple/b/ answered 503", {
  hint: "is the index up?",
});

describe("a provider that fails", () => {
  test.each([
    [
      "dependencies",
      new Error("the metadata of a 2 is corrupt"),
      false,
      "Failed to read the dependencies of a 2: the metadata of a 2 is corrupt",
      undefined,
    ],
    [
      "dependencies",
      new Error("the metadata of a 2 is corrupt"),
      true,
      "Failed to read the dependencies of a 2: the metadata of a 2 is corrupt",
      undefined,
    ],
    [
      "versions",
      hinted,
      false,
      "Failed to choose a version of b: GET http://127.0.0.1/simple/b/ answered 503",
      "is the index up?",
    ],
    [
      "versions",
      hinted,
      true,
      "Failed to choose a version of b: GET http://127.0.0.1/simple/b/ answered 503",
      "is the index up?",
    ],
    ["dependencies", "not an Error", true, "Failed to read the dependencies of a 2: not an Error", undefined],
  ] as const)(
    "%s: %o (async %s) is wrapped with the package and version",
    async (failure, error, async, message, hint) => {
      const e = await resolve(failing(failure, error, async), "root", 1).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(e).toBeInstanceOf(ProviderFailedError);
      expect(e).toMatchObject({ code: "resolver-provider-failed", message, hint, cause: error });
    },
  );
});
