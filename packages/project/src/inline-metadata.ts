/**
 * PEP 723 inline script metadata: the `# /// script` … `# ///` comment block of a single-file
 * script, whose content (each line with its leading `# ` or `#` taken away) is TOML with
 * `dependencies` (PEP 508 strings), `requires-python` (PEP 440 specifiers) and `[tool.*]` tables;
 * lockstep reads `[tool.lockstep]` `index-url` and `extra-index-url` from it, and
 * `[[tool.lockstep.index]]` and `[tool.lockstep.sources]` (as a pyproject.toml's, paths relative
 * to the script's directory): those are read by pyproject's own reader over the block's text,
 * padded with blank lines so that its errors name the script's own line.
 *
 * Pitfalls (from the specification): the block ends at the LAST `# ///` line before the first line
 * that is not a comment (so `# ///` inside the content is allowed when more comment lines follow);
 * a block that never closes is ignored, not an error; two `script` blocks are an error; blocks of
 * other types are not read. Every error names the script and the line.
 */
import { FileError } from "@lockstep/errors";
import { SpecifierSet } from "@lockstep/pep440";
import { Requirement } from "@lockstep/pep508";
import { parseProject } from "@lockstep/pyproject";
import type { Project } from "@lockstep/pyproject";
import { parse as parseToml, TomlError } from "smol-toml";

export interface ScriptMetadata {
  dependencies: Requirement[];
  requiresPython: SpecifierSet | undefined;
  /** `[tool.lockstep] index-url` of the block. */
  indexUrl: string | undefined;
  extraIndexUrls: string[];
  /**
   * The block read as a pyproject.toml at the script's path (so `root` is the script's directory),
   * when it declares `[[tool.lockstep.index]]` or `[tool.lockstep.sources]`: its `lockstep.indexes`
   * and `lockstep.sources` are the script's.
   */
  settings?: Project | undefined;
  /** The 1-based line of `# /// script`. */
  line: number;
}

const START = /^# \/\/\/ ([a-zA-Z0-9-]+)$/;
const CONTENT = /^#(| .*)$/;
const END = "# ///";

interface Block {
  type: string;
  /** 1-based line of the start line. */
  line: number;
  content: string[];
}

/** Every closed block of the text, in order. */
export function metadataBlocks(text: string): Block[] {
  const lines = text.split(/\r?\n/);
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const start = START.exec(lines[i] as string);
    if (!start) continue;
    let end = -1;
    for (let j = i + 1; j < lines.length && CONTENT.test(lines[j] as string); j++) {
      if (lines[j] === END) end = j;
    }
    if (end < 0) continue; // unclosed: ignored
    blocks.push({
      type: start[1] as string,
      line: i + 1,
      content: lines.slice(i + 1, end).map((l) => (l.startsWith("# ") ? l.slice(2) : l.slice(1))),
    });
    i = end;
  }
  return blocks;
}

function stringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}

/** The `script` block of `text` (from the file `path`), or undefined when it has none. */
export function readScriptMetadata(text: string, path: string): ScriptMetadata | undefined {
  const scripts = metadataBlocks(text).filter((b) => b.type === "script");
  if (scripts.length === 0) return undefined;
  if (scripts.length > 1) {
    throw new FileError(
      "script-metadata-duplicate",
      path,
      { line: (scripts[1] as Block).line },
      `a second \`# /// script\` block (the first is on line ${(scripts[0] as Block).line}); PEP 723 allows one`,
    );
  }
  const block = scripts[0] as Block;
  // The content's line n is the script's line block.line + n.
  const at = (n: number) => block.line + n;
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(block.content.join("\n"));
  } catch (err) {
    if (err instanceof TomlError) {
      throw new FileError(
        "script-metadata-toml",
        path,
        { line: at(err.line), column: err.column + 2 },
        `invalid TOML in the \`# /// script\` block: ${err.message.split("\n")[0] ?? ""}`,
      );
    }
    throw err;
  }
  const lineOf = (needle: string) => {
    const n = block.content.findIndex((l) => l.includes(needle));
    return n < 0 ? block.line : at(n + 1);
  };
  const deps = doc.dependencies ?? [];
  if (!stringList(deps)) {
    throw new FileError(
      "script-metadata-invalid",
      path,
      { line: lineOf("dependencies") },
      "`dependencies` in the `# /// script` block must be an array of strings",
    );
  }
  const dependencies = deps.map((d) => {
    try {
      return Requirement.parse(d);
    } catch (err) {
      throw new FileError(
        "script-metadata-invalid",
        path,
        { line: lineOf(d) },
        `invalid requirement \`${d}\` in the \`# /// script\` block: ${(err as Error).message.split("\n")[0] ?? ""}`,
      );
    }
  });
  let requiresPython: SpecifierSet | undefined;
  const rp = doc["requires-python"];
  if (rp !== undefined) {
    try {
      if (typeof rp !== "string") throw new Error("not a string");
      requiresPython = SpecifierSet.parse(rp);
    } catch (err) {
      throw new FileError(
        "script-metadata-invalid",
        path,
        { line: lineOf("requires-python") },
        `invalid \`requires-python\` ${JSON.stringify(rp)} in the \`# /// script\` block: ${(err as Error).message.split("\n")[0] ?? ""}`,
      );
    }
  }
  const tool = (doc.tool as Record<string, unknown> | undefined)?.lockstep as
    Record<string, unknown> | undefined;
  const indexUrl = tool?.["index-url"];
  const extra = tool?.["extra-index-url"] ?? [];
  if ((indexUrl !== undefined && typeof indexUrl !== "string") || !stringList(extra)) {
    throw new FileError(
      "script-metadata-invalid",
      path,
      { line: lineOf("index-url") },
      "`[tool.lockstep]` `index-url` must be a string and `extra-index-url` an array of strings",
    );
  }
  const settings =
    tool !== undefined && (tool.index !== undefined || tool.sources !== undefined)
      ? parseProject(`${"\n".repeat(block.line)}${block.content.join("\n")}`, path)
      : undefined;
  return { dependencies, requiresPython, indexUrl, extraIndexUrls: extra, settings, line: block.line };
}
