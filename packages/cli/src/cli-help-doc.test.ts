/** docs/cli.md's reference section is the help yargs prints from the command definitions, current. */
import { readFileSync } from "node:fs";
import { expect, test } from "vitest";
import { CLI_DOC, helpReference, withReference } from "../testing/help-doc";

test("docs/cli.md lists every command and flag as --help prints them (regenerate: pnpm tsx packages/cli/testing/help-doc.ts --write)", async () => {
  const doc = readFileSync(CLI_DOC, "utf8");
  const reference = await helpReference();
  expect(reference).toContain("### `lockstep sync --help`");
  expect(reference).toContain("--output-format");
  expect(withReference(doc, reference)).toBe(doc);
});
