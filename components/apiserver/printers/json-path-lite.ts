// A small JSONPath evaluator for CRD additionalPrinterColumns: `.spec.x`, `.a[0].b`, `.a['dotted.key']`,
// `.labels.app\.io/name`, `.items[*].name`, `.conditions[?(@.type=="Ready")].status`.
// Upstream uses client-go util/jsonpath; this covers the simple paths CRD printer columns use.

type Step =
  | { kind: "field"; name: string }
  | { kind: "index"; index: number }
  | { kind: "wildcard" }
  | { kind: "filter"; path: string[]; op: "==" | "!="; value: unknown };

/** Parses a path such as `.status.conditions[?(@.type=="Ready")].status`; undefined when unsupported. */
export function parseJsonPath(input: string): Step[] | undefined {
  let path = input.trim();
  if (path.startsWith("{") && path.endsWith("}")) path = path.slice(1, -1).trim();
  if (path.startsWith("$")) path = path.slice(1);
  const steps: Step[] = [];
  let i = 0;
  while (i < path.length) {
    const ch = path[i];
    if (ch === ".") {
      // a backslash escapes the next character: `.labels.app\.kubernetes\.io/name`
      let j = i + 1;
      let name = "";
      while (j < path.length && path[j] !== "." && path[j] !== "[") {
        if (path[j] === "\\" && j + 1 < path.length) j++;
        name += path[j];
        j++;
      }
      if (name === "*") steps.push({ kind: "wildcard" });
      else if (name !== "") steps.push({ kind: "field", name });
      i = j;
    } else if (ch === "[") {
      const close = findClose(path, i);
      if (close < 0) return undefined;
      const inner = path.slice(i + 1, close).trim();
      const step = parseBracket(inner);
      if (!step) return undefined;
      steps.push(step);
      i = close + 1;
    } else {
      return undefined;
    }
  }
  return steps;
}

function findClose(path: string, open: number): number {
  let quote = "";
  for (let k = open + 1; k < path.length; k++) {
    const c = path[k];
    if (quote) {
      if (c === quote) quote = "";
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "]") return k;
  }
  return -1;
}

function parseLiteral(text: string): { value: unknown } | undefined {
  const t = text.trim();
  if (/^(['"]).*\1$/.test(t)) return { value: t.slice(1, -1) };
  if (t === "true" || t === "false") return { value: t === "true" };
  if (t !== "" && !Number.isNaN(Number(t))) return { value: Number(t) };
  return undefined;
}

function parseBracket(inner: string): Step | undefined {
  if (inner === "*") return { kind: "wildcard" };
  if (/^-?\d+$/.test(inner)) return { kind: "index", index: Number(inner) };
  if (/^(['"]).*\1$/.test(inner)) return { kind: "field", name: inner.slice(1, -1) };
  const filter = /^\?\(\s*@((?:\.[^.=!\s]+)+)\s*(==|!=)\s*(.+?)\s*\)$/.exec(inner);
  if (!filter) return undefined;
  const literal = parseLiteral(filter[3] ?? "");
  if (!literal) return undefined;
  const path = (filter[1] ?? "").split(".").filter((p) => p !== "");
  return { kind: "filter", path, op: filter[2] === "!=" ? "!=" : "==", value: literal.value };
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** All matches in document order; missing keys simply match nothing (AllowMissingKeys). */
export function evaluateJsonPath(steps: readonly Step[], data: unknown): unknown[] {
  let current: unknown[] = [data];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const value of current) {
      switch (step.kind) {
        case "field":
          if (isRecord(value) && Object.hasOwn(value, step.name)) next.push(value[step.name]);
          break;
        case "index":
          if (Array.isArray(value)) {
            const idx = step.index < 0 ? value.length + step.index : step.index;
            if (idx >= 0 && idx < value.length) next.push(value[idx]);
          }
          break;
        case "wildcard":
          if (Array.isArray(value)) next.push(...value);
          else if (isRecord(value)) next.push(...Object.values(value));
          break;
        case "filter":
          if (Array.isArray(value)) {
            for (const item of value) {
              let field: unknown = item;
              for (const p of step.path) field = isRecord(field) ? field[p] : undefined;
              if (field === undefined) continue;
              if ((field === step.value) === (step.op === "==")) next.push(item);
            }
          }
          break;
      }
    }
    current = next;
  }
  return current;
}
