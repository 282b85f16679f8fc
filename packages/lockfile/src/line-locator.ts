/**
 * Line numbers for validation messages: a line scanner over the TOML text, not a second parser.
 *
 * smol-toml gives values without positions, so after parsing we find where things were written:
 * top-level keys, each `[[packages]]` block and its keys, each `[[packages.wheels]]` header, and
 * needles (such as `name = "idna"`) inside a package block. Pitfalls: PEP 751 files from other tools
 * write wheels either as `[[packages.wheels]]` sub-tables (pip) or as an array of inline tables
 * (uv), and either style may spread arrays over several lines; lines inside multi-line arrays are not
 * keys. When nothing better is found, callers fall back to the package's header line.
 */

interface PackageBlock {
  /** 1-based line of the `[[packages]]` header. */
  header: number;
  /** 1-based, exclusive. */
  end: number;
  keys: Map<string, number>;
  wheels: number[];
}

const HEADER = /^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$/;
const KEY = /^\s*([A-Za-z0-9_-]+|"[^"]*")\s*=/;

function unquote(key: string): string {
  return key.startsWith('"') ? key.slice(1, -1) : key;
}

export class LineLocator {
  private readonly lines: string[];
  /** `table\0key` → line, for keys outside `[[packages]]`; `table\0` → the table's header line. */
  private readonly tableKeys = new Map<string, number>();
  private readonly packages: PackageBlock[] = [];

  constructor(text: string) {
    this.lines = text.split(/\r?\n/);
    let table = "";
    let depth = 0;
    let current: PackageBlock | undefined;
    this.lines.forEach((line, index) => {
      const n = index + 1;
      if (depth === 0) {
        const header = HEADER.exec(line);
        if (header && !line.trimStart().startsWith("#")) {
          table = (header[2] as string).replace(/\s+/g, "");
          if (!this.tableKeys.has(`${table}\0`)) this.tableKeys.set(`${table}\0`, n);
          if (current) current.end = n;
          if (header[1] === "[[" && table === "packages") {
            current = { header: n, end: this.lines.length + 1, keys: new Map(), wheels: [] };
            this.packages.push(current);
          } else if (current && header[1] === "[[" && table === "packages.wheels") {
            current.wheels.push(n);
            current.end = this.lines.length + 1;
          } else if (current && table.startsWith("packages.")) {
            current.keys.set(table.slice("packages.".length), n);
            current.end = this.lines.length + 1;
          } else {
            current = undefined;
          }
          return;
        }
        const key = KEY.exec(line);
        if (key) {
          const name = unquote(key[1] as string);
          if (!table.startsWith("packages")) this.tableKeys.set(`${table}\0${name}`, n);
          else if (table === "packages" && current && !current.keys.has(name)) current.keys.set(name, n);
        }
      }
      depth = Math.max(0, depth + bracketBalance(line));
    });
  }

  /** Line of a top-level key. */
  top(key: string): number | undefined {
    return this.tableKeys.get(`\0${key}`);
  }

  /** Line of a key of a table other than `packages` (else the table's header line). */
  tableKey(table: string, key: string): number | undefined {
    return this.tableKeys.get(`${table}\0${key}`) ?? this.tableKeys.get(`${table}\0`);
  }

  /** Line of the `i`th `[[packages]]` header. */
  packageLine(i: number): number | undefined {
    return this.packages[i]?.header ?? this.top("packages");
  }

  /** Line of a key (or sub-table) of the `i`th package, else its header. */
  packageKey(i: number, key: string): number | undefined {
    return this.packages[i]?.keys.get(key) ?? this.packageLine(i);
  }

  /** Line of the `j`th `[[packages.wheels]]` header of package `i`, if written as sub-tables. */
  wheelLine(i: number, j: number): number | undefined {
    return this.packages[i]?.wheels[j];
  }

  /** First line of package `i`'s block, at or after `fromKey`'s line, that contains `needle`. */
  find(i: number, needle: string, fromKey?: string): number | undefined {
    const block = this.packages[i];
    if (!block) return this.packageLine(i);
    const start = (fromKey && block.keys.get(fromKey)) || block.header;
    for (let n = start; n < block.end; n++) {
      if ((this.lines[n - 1] as string).includes(needle)) return n;
    }
    return undefined;
  }
}

/** `[`/`{` minus `]`/`}` outside strings and comments: how far a line opens a multi-line value. */
function bracketBalance(line: string): number {
  let balance = 0;
  let quote: string | undefined;
  for (let k = 0; k < line.length; k++) {
    const ch = line[k] as string;
    if (quote) {
      if (ch === "\\" && quote === '"') k++;
      else if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === "#") break;
    else if (ch === "[" || ch === "{") balance++;
    else if (ch === "]" || ch === "}") balance--;
  }
  return balance;
}
