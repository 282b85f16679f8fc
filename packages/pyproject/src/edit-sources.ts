/**
 * Writing one `[tool.lockstep.sources]` entry into pyproject.toml text, format-preserving: the
 * rest of the file keeps its bytes. Used by `lockstep add git+https://…` (which writes the bare
 * name into the dependencies and the repository here, as uv does with `[tool.uv.sources]`).
 *
 * Pitfalls: an existing entry for the same name (same normalized name, one line) is replaced, not
 * duplicated, since TOML forbids a key twice; the table is created at the end of the file when
 * absent; a dotted `tool.lockstep.sources.name = …` elsewhere is not recognised (then TOML
 * parsing of the result reports the duplicate key, naming the file).
 */
import { canonicalizeName } from "@lockstep/pep508";

/** A TOML inline table of string values: `{ git = "…", tag = "v1" }`. */
export function inlineTable(entries: ReadonlyArray<readonly [string, string]>): string {
  return `{ ${entries.map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join(", ")} }`;
}

/** `text` with `name = <table>` set under `[tool.lockstep.sources]`. */
export function setSource(text: string, name: string, table: string): string {
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const lines = text.split(/\r?\n/);
  const header = lines.findIndex((l) =>
    /^\s*\[\s*tool\s*\.\s*lockstep\s*\.\s*sources\s*\]\s*(#.*)?$/.test(l),
  );
  const line = `${name} = ${table}`;
  if (header < 0) {
    const body = text.endsWith("\n") || text === "" ? text : `${text}${eol}`;
    const gap = body === "" || body.endsWith(`${eol}${eol}`) ? "" : eol;
    return `${body}${gap}[tool.lockstep.sources]${eol}${line}${eol}`;
  }
  let end = lines.length;
  for (let i = header + 1; i < lines.length; i++) {
    if (/^\s*\[/.test(lines[i] as string)) {
      end = i;
      break;
    }
  }
  const wanted = canonicalizeName(name);
  for (let i = header + 1; i < end; i++) {
    const key = /^\s*"?([A-Za-z0-9._-]+)"?\s*=/.exec(lines[i] as string)?.[1];
    if (key !== undefined && canonicalizeName(key) === wanted) {
      lines[i] = line;
      return lines.join(eol);
    }
  }
  lines.splice(header + 1, 0, line);
  return lines.join(eol);
}
