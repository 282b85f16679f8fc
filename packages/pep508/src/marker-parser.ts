/**
 * Recursive-descent parser for PEP 508 environment markers, producing a `MarkerExpr`.
 *
 * Grammar (as accepted by pypa/packaging 23, plus PEP 751's `extras`/`dependency_groups`):
 *   marker      = and_expr (WS? 'or' WS? and_expr)*      ; `and` binds tighter than `or`
 *   and_expr    = atom (WS? 'and' WS? atom)*
 *   atom        = WS? '(' WS? marker WS? ')' WS? | WS? item WS?
 *   item        = operand WS? op WS? operand
 *   operand     = VARIABLE | QUOTED_STRING             ; '...' or "..." without escapes
 *   op          = '===' | '==' | '~=' | '!=' | '<=' | '>=' | '<' | '>' | 'in' | 'not' WS 'in'
 *
 * Pitfalls: a comparison needs exactly one variable side; packaging accepts `'a' == 'b'` and
 * `python_version == os_name` and then fails or compares nonsense at evaluation, we reject them
 * here. Backslashes in quoted strings are literal (packaging runs Python's `literal_eval`).
 */

import type { Cursor } from "./cursor";
import { canonicalVariable } from "./marker-expr";
import type { Comparison, MarkerExpr, MarkerOperator, Operand } from "./marker-expr";

const VARIABLE =
  /\b(?:python_version|python_full_version|os[._]name|sys[._]platform|platform_(?:release|system)|platform[._](?:version|machine|python_implementation)|python_implementation|implementation_(?:name|version)|extras|extra|dependency_groups)\b/y;
const QUOTED = /'[^']*'|"[^"]*"/y;
const OPERATOR = /===|==|~=|!=|<=|>=|<|>/y;
const AND = /\band\b/y;
const OR = /\bor\b/y;
const IN = /\bin\b/y;
const NOT = /\bnot\b/y;

/** Parses a marker starting at the cursor; stops before anything that cannot continue it. */
export function parseMarkerExpr(cur: Cursor): MarkerExpr {
  const items = [parseAnd(cur)];
  while (cur.match(OR) !== undefined) items.push(parseAnd(cur));
  return items.length === 1 ? items[0]! : { kind: "or", items };
}

function parseAnd(cur: Cursor): MarkerExpr {
  const items = [parseAtom(cur)];
  while (cur.match(AND) !== undefined) items.push(parseAtom(cur));
  return items.length === 1 ? items[0]! : { kind: "and", items };
}

function parseAtom(cur: Cursor): MarkerExpr {
  cur.skipWs();
  let expr: MarkerExpr;
  const open = cur.pos;
  if (cur.eat("(")) {
    cur.skipWs();
    expr = parseMarkerExpr(cur);
    cur.skipWs();
    if (!cur.eat(")")) cur.fail("Expected a closing `)` for this `(`", open, cur.pos);
  } else {
    expr = parseItem(cur);
  }
  cur.skipWs();
  return expr;
}

function parseItem(cur: Cursor): Comparison {
  const start = cur.pos;
  const left = parseOperand(cur);
  cur.skipWs();
  const op = parseOperator(cur);
  cur.skipWs();
  const right = parseOperand(cur);
  const end = cur.pos;
  if (left.kind === right.kind) {
    const what = left.kind === "variable" ? "two variables" : "two quoted strings";
    cur.fail(`A marker comparison needs one variable and one quoted string, found ${what}`, start, end);
  }
  const variable = left.kind === "variable" ? left.name : (right as { name: string }).name;
  if (variable === "extras" || variable === "dependency_groups") {
    if (left.kind !== "string" || (op !== "in" && op !== "not in")) {
      cur.fail(
        `\`${variable}\` can only be used as \`'name' in ${variable}\` or \`'name' not in ${variable}\``,
        start,
        end,
      );
    }
  }
  cur.skipWs();
  return { kind: "compare", left, op, right };
}

function parseOperand(cur: Cursor): Operand {
  const variable = cur.match(VARIABLE);
  if (variable !== undefined) return { kind: "variable", name: canonicalVariable(variable) };
  const quoted = cur.match(QUOTED);
  if (quoted !== undefined) return { kind: "string", value: quoted.slice(1, -1) };
  return cur.fail("Expected a marker variable or quoted string", cur.pos, cur.pos + 1);
}

function parseOperator(cur: Cursor): MarkerOperator {
  if (cur.match(IN) !== undefined) return "in";
  const notStart = cur.pos;
  if (cur.match(NOT) !== undefined) {
    if (!cur.skipWs()) cur.fail("Expected whitespace after `not`", cur.pos, cur.pos + 1);
    if (cur.match(IN) === undefined) cur.fail("Expected `in` after `not`", notStart, cur.pos + 1);
    return "not in";
  }
  const op = cur.match(OPERATOR);
  if (op !== undefined) return op as MarkerOperator;
  return cur.fail(
    "Expected a marker operator, one of <=, <, !=, ==, >=, >, ~=, ===, in, not in",
    cur.pos,
    cur.pos + 1,
  );
}
