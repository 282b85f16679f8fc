/**
 * Golden failure reports from real metadata: root requirements that genuinely conflict in the PyPI
 * snapshots of `../shared/data/pypi-snapshots` (resolvelib's 2020 snapshots and the 2026 one),
 * served offline on 127.0.0.1 and resolved through `resolvePython` as the resolvelib conformance
 * runner does. The report and its hints are compared with `__snapshots__/report-golden.test.ts.snap`,
 * each entry reviewed by hand for being true and readable; a change in wording shows up as a diff
 * there.
 *
 * Cases were found by scanning each snapshot for a requirement of a package's newest release whose
 * range leaves out some existing versions of its target, then pinning or bounding both sides.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSnapshot, serveUniverse } from "@lockstep/fixtures";
import type { IndexServer } from "@lockstep/fixtures";
import type { IndexClient } from "@lockstep/index";
import type { TargetEnv } from "@lockstep/wheel";
import { afterAll, describe, expect, test } from "vitest";
import { PIP_TARGET, newClient, rootOf, specificOptions, universalOptions } from "../../testing";
import type { ResolveOptions } from "./options";
import { ResolutionError, resolvePython } from "./resolve";

const SNAPSHOTS = join(import.meta.dirname, "../../../../../shared/data/pypi-snapshots");

const PY312: TargetEnv = { ...PIP_TARGET, pythonVersion: [3, 12], pythonPatch: 4 };

type Target = "cp311-linux" | "cp312-linux" | "universal >=3.9";

function optionsFor(target: Target): ResolveOptions {
  switch (target) {
    case "cp311-linux":
      return specificOptions(PIP_TARGET);
    case "cp312-linux":
      return specificOptions(PY312);
    case "universal >=3.9":
      return universalOptions(">=3.9");
  }
}

/** [snapshot, target, requirements]: each must have no solution. */
const CASES: Record<string, Array<[Target, string[]]>> = {
  "pypi-2020-02-13-dask": [
    ["cp311-linux", ["flake8==3.7.9", "pycodestyle==2.4.0"]],
    ["cp311-linux", ["flake8>=3.7", "pycodestyle<2.5"]],
    ["cp311-linux", ["twine==3.1.1", "requests-toolbelt==0.9.0"]],
    ["cp311-linux", ["jsonschema>=3.2", "attrs<17.4"]],
    ["cp311-linux", ["xmlschema==1.1.0", "elementpath<1.4"]],
  ],
  "pypi-2020-02-13-chalice": [
    ["cp311-linux", ["tox>=3.14", "pluggy<0.12"]],
    ["cp311-linux", ["faker==4.0.0", "text-unidecode==1.2"]],
    ["cp311-linux", ["pre-commit>=2", "virtualenv<15.2"]],
  ],
  "pypi-2020-02-15-pandas": [
    ["cp311-linux", ["matplotlib==3.1.3", "pyparsing==2.1.6"]],
    ["cp311-linux", ["virtualenv==20.0.4", "six<1.9"]],
    ["cp311-linux", ["matplotlib>=3.2"]],
  ],
  "pypi-2020-11-17-cheroot": [
    ["cp311-linux", ["pytest>=6", "pluggy<0.12"]],
    ["cp311-linux", ["sqlalchemy>1.3.20"]],
  ],
  "pypi-2020-02-19-virtualenv-six": [["cp311-linux", ["virtualenv>=20", "six<1.12"]]],
  "pypi-2026-wheels": [
    ["cp312-linux", ["streamlit==1.64.0", "websockets>=17"]],
    ["cp312-linux", ["jax", "numpy<2"]],
    ["cp312-linux", ["arviz==0.23.4", "scipy<1.11"]],
    ["cp312-linux", ["datasets==5.0.1", "fsspec>2026.6.0"]],
    ["universal >=3.9", ["jax"]],
    // The snapshot records CPython 3.11 wheels only: orjson has no wheel for 3.12 and no sdist.
    ["cp312-linux", ["orjson"]],
  ],
};

const cacheDir = mkdtempSync(join(tmpdir(), "lockstep-report-golden-"));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

describe.each(Object.keys(CASES))("%s", (snapshot) => {
  let server: IndexServer | undefined;
  let client: IndexClient | undefined;
  const open = async (): Promise<IndexClient> => {
    if (!client) {
      server = await serveUniverse(loadSnapshot(join(SNAPSHOTS, `${snapshot}.json`)).universe);
      client = newClient(server.url, join(cacheDir, snapshot));
    }
    return client;
  };
  afterAll(async () => {
    client?.close();
    await server?.close();
  });

  test.each(CASES[snapshot] ?? [])(
    "%s: %j",
    async (target, requirements) => {
      const error = await resolvePython(
        await open(),
        rootOf(requirements, "project"),
        optionsFor(target),
      ).then(
        (resolution) =>
          new Error(
            `expected no solution, got ${resolution.packages.map((p) => `${p.name}==${p.version.toString()}`).join(", ")}`,
          ),
        (e: unknown) => e,
      );
      if (!(error instanceof ResolutionError)) throw error;
      expect(
        `${error.message}${error.hint ? `\n\nhint: ${error.hint.split("\n").join("\nhint: ")}` : ""}`,
      ).toMatchSnapshot();
    },
    120_000,
  );
});
