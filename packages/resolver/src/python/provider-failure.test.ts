/**
 * When the index fails the resolver (not "no such package", but a broken answer), the error names
 * the package and version the solver was asking about, with the index's own error as its cause.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Fault, Universe } from "@lockstep/fixtures";
import { serveUniverse } from "@lockstep/fixtures";
import { describe, expect, test } from "vitest";
import { lockstepResolve, newClient, specificOptions } from "../../testing/lockstep-runner";
import { ProviderFailedError } from "../pubgrub";

const universe: Universe = {
  name: "provider-failure",
  packages: {
    app: { versions: { "1.0.0": { requiresDist: ["lib>=1"] } } },
    lib: { versions: { "1.2.0": {} } },
  },
};

describe("index failures during a resolution", () => {
  test.each<[string, Fault, string]>([
    [
      "lib's metadata file is corrupt",
      {
        path: /\/lib-1\.2\.0-.*\.whl\.metadata$/,
        kind: "raw",
        status: 200,
        body: "this is not core metadata",
      },
      "Failed to read the dependencies of lib 1.2.0: ",
    ],
    [
      "lib's project page fails",
      { path: /^\/simple\/lib\/?$/, kind: "status", status: 500 },
      "Failed to choose a version of lib: ",
    ],
  ])("%s", async (_name, fault, prefix) => {
    const server = await serveUniverse(universe, { faults: [fault] });
    const cache = await mkdtemp(join(tmpdir(), "lockstep-provider-failure-"));
    try {
      const e = await lockstepResolve(newClient(server.url, cache), ["app"], specificOptions()).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(e).toBeInstanceOf(ProviderFailedError);
      const error = e as ProviderFailedError;
      expect(error.code).toBe("resolver-provider-failed");
      expect(error.cause).toBeInstanceOf(Error);
      expect(error.message).toBe(prefix + (error.cause as Error).message);
    } finally {
      await server.close();
      await rm(cache, { recursive: true, force: true });
    }
  });
});
