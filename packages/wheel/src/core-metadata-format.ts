/**
 * Writing core metadata deterministically: fields in the specification's order, repeated fields in
 * the order given, the description as the message body from 2.1 on (PEP 566), as a folded header
 * before that.
 *
 * Pitfalls: a header value must not contain a bare newline — multi-line `License` text is folded
 * with eight spaces, and a legacy `Description` header with seven spaces and `|` so that blank lines
 * survive; single-line fields are rejected if they contain a newline rather than silently folded.
 */

import { LockstepError } from "@lockstep/errors";
import { FIELDS, type CoreMetadata } from "./metadata-fields";

function bodyAllowed(metadataVersion: string): boolean {
  const [major = 0, minor = 0] = metadataVersion.split(".").map(Number);
  return major > 2 || (major === 2 && minor >= 1);
}

export function formatCoreMetadata(meta: CoreMetadata): string {
  const lines: string[] = [];
  const useBody = bodyAllowed(meta.metadataVersion);
  const add = (header: string, value: string, multiline: boolean) => {
    if (!multiline && /[\r\n]/.test(value)) {
      throw new LockstepError(
        "metadata-invalid-field",
        `${header} ${JSON.stringify(value)} contains a line break`,
      );
    }
    const fold = header === "Description" ? "\n       |" : "\n        ";
    lines.push(`${header}: ${value.replace(/\r?\n/g, fold)}`);
  };
  for (const field of FIELDS) {
    switch (field.key) {
      case "version":
        add(field.header, meta.version.toString(), false);
        break;
      case "requiresPython":
        if (meta.requiresPython) add(field.header, meta.requiresPython.toString(), false);
        break;
      case "requiresDist":
        for (const requirement of meta.requiresDist) add(field.header, requirement.toString(), false);
        break;
      case "description":
        if (meta.description !== undefined && !useBody) add(field.header, meta.description, true);
        break;
      default:
        if (field.multiple) {
          for (const value of meta[field.key]) add(field.header, value, false);
        } else {
          const value = meta[field.key];
          if (value !== undefined) add(field.header, value, field.multiline);
        }
    }
  }
  for (const [header, value] of meta.otherFields) add(header, value, false);
  const head = `${lines.join("\n")}\n`;
  return useBody && meta.description !== undefined ? `${head}\n${meta.description}` : head;
}
