// Label selectors: the string syntax of `-l` and `?labelSelector=` (=, ==, !=, in, notin,
// exists, !exists, gt, lt) and the LabelSelector object of specs (matchLabels,
// matchExpressions). Upstream: kubernetes/apimachinery pkg/labels/selector.go and
// pkg/apis/meta/v1/helpers.go (LabelSelectorAsSelector).

export type Operator = "=" | "!=" | "in" | "notin" | "exists" | "!" | "gt" | "lt";

export interface Requirement {
  key: string;
  operator: Operator;
  values: string[];
}

/** All requirements must hold; no requirements selects everything. */
export type Selector = Requirement[];

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export class SelectorParseError extends Error {
  override name = "SelectorParseError";
}

const KEY = /^([a-z0-9A-Z]([-a-z0-9A-Z.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Parse `a=b,c in (x,y),!d`; throws SelectorParseError naming the bad part. */
export function parseSelector(text: string): Selector {
  const out: Requirement[] = [];
  for (const part of splitTopLevel(text)) {
    const p = part.trim();
    if (p === "") {
      if (text.trim() === "") continue;
      throw new SelectorParseError(`unable to parse requirement: found '', expected: identifier`);
    }
    out.push(parseRequirement(p));
  }
  return out;
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "," && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function parseRequirement(p: string): Requirement {
  let m = /^!\s*(\S+)$/.exec(p);
  if (m) return requirement(m[1] as string, "!", []);
  m = /^(\S+?)\s+(in|notin)\s*\((.*)\)$/.exec(p);
  if (m) {
    const values = (m[3] as string)
      .split(",")
      .map((v) => v.trim())
      .filter((v, _i, all) => v !== "" || all.length > 1);
    return requirement(m[1] as string, m[2] as Operator, values);
  }
  m = /^([^=!<>\s]+)\s*(==|=|!=|>|<)\s*(.*)$/.exec(p);
  if (m) {
    const op = m[2] === "==" ? "=" : m[2] === ">" ? "gt" : m[2] === "<" ? "lt" : (m[2] as Operator);
    return requirement(m[1] as string, op, [(m[3] as string).trim()]);
  }
  if (/^\S+$/.test(p)) return requirement(p, "exists", []);
  throw new SelectorParseError(
    `unable to parse requirement: "${p}" is not a valid label selector requirement`,
  );
}

function requirement(key: string, operator: Operator, values: string[]): Requirement {
  if (!KEY.test(key) || key.length > 316) {
    throw new SelectorParseError(
      `unable to parse requirement: invalid label key "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
    );
  }
  for (const v of values) {
    if (operator === "gt" || operator === "lt") {
      if (!/^-?\d+$/.test(v))
        throw new SelectorParseError(
          `unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer`,
        );
    } else if (!VALUE.test(v) || v.length > 63) {
      throw new SelectorParseError(
        `unable to parse requirement: invalid label value: "${v}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
      );
    }
  }
  if ((operator === "in" || operator === "notin") && values.length === 0) {
    throw new SelectorParseError(
      `unable to parse requirement: for 'in', 'notin' operators, values set can't be empty`,
    );
  }
  return { key, operator, values };
}

export function matches(selector: Selector, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  for (const r of selector) {
    const has = Object.hasOwn(l, r.key);
    const v = l[r.key];
    switch (r.operator) {
      case "=":
      case "in":
        if (!has || !r.values.includes(v as string)) return false;
        break;
      case "!=":
      case "notin":
        if (has && r.values.includes(v as string)) return false;
        break;
      case "exists":
        if (!has) return false;
        break;
      case "!":
        if (has) return false;
        break;
      case "gt":
      case "lt": {
        if (!has || !/^-?\d+$/.test(v as string)) return false;
        const n = Number(v);
        const want = Number(r.values[0]);
        if (r.operator === "gt" ? !(n > want) : !(n < want)) return false;
      }
    }
  }
  return true;
}

/**
 * The selector of a spec's LabelSelector. `undefined` selects nothing (upstream's
 * labels.Nothing()), an empty one everything.
 */
export function fromLabelSelector(ls: LabelSelector | undefined | null): Selector | undefined {
  if (ls === undefined || ls === null) return undefined;
  const out: Requirement[] = [];
  for (const [k, v] of Object.entries(ls.matchLabels ?? {})) out.push(requirement(k, "=", [v]));
  for (const e of ls.matchExpressions ?? []) {
    const op = { In: "in", NotIn: "notin", Exists: "exists", DoesNotExist: "!" }[e.operator] as
      | Operator
      | undefined;
    if (!op) throw new SelectorParseError(`"${e.operator}" is not a valid label selector operator`);
    out.push(requirement(e.key, op, e.values ?? []));
  }
  return out;
}

/** The canonical string form (as in Scale.status.selector). */
export function selectorString(selector: Selector): string {
  return [...selector]
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((r) => {
      switch (r.operator) {
        case "=":
          return `${r.key}=${r.values[0]}`;
        case "!=":
          return `${r.key}!=${r.values[0]}`;
        case "in":
        case "notin":
          return `${r.key} ${r.operator} (${[...r.values].sort().join(",")})`;
        case "exists":
          return r.key;
        case "!":
          return `!${r.key}`;
        case "gt":
          return `${r.key}>${r.values[0]}`;
        case "lt":
          return `${r.key}<${r.values[0]}`;
      }
      return "";
    })
    .join(",");
}
