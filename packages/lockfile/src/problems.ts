/**
 * Shared by the reader and validators: TOML table narrowing and the problem collector (every problem
 * is gathered, then thrown once, as pypa/installer validates).
 */
import { FileError } from "@lockstep/errors";

export type Table = Record<string, unknown>;

export function isTable(v: unknown): v is Table {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/** Collects problems with their lines. */
export class Problems {
  readonly list: FileError[] = [];
  constructor(readonly path: string) {}
  add(line: number | undefined, message: string): void {
    this.list.push(new FileError("lock-invalid", this.path, { line }, message));
  }
}
