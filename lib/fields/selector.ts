// Field selectors: `?fieldSelector=` with =, ==, != joined by commas, with upstream's escapes
// (\, \= \\). An empty value matches an empty or absent field, which describe relies on
// (`involvedObject.namespace=`). Upstream: kubernetes/apimachinery pkg/fields/selector.go.

export interface FieldRequirement {
  field: string;
  operator: "=" | "!=";
  value: string;
}

export type FieldSelector = FieldRequirement[];

export class FieldSelectorParseError extends Error {
  override name = "FieldSelectorParseError";
}

export function parseFieldSelector(text: string): FieldSelector {
  if (text.trim() === "") return [];
  const out: FieldRequirement[] = [];
  for (const part of splitUnescaped(text, ",")) {
    const m = /^(.*?)(==|!=|=)(.*)$/s.exec(part);
    if (!m) throw new FieldSelectorParseError(`invalid selector: '${text}'; can't understand '${part}'`);
    const field = (m[1] as string).trim();
    if (field === "")
      throw new FieldSelectorParseError(`invalid selector: '${text}'; field name is empty in '${part}'`);
    out.push({ field, operator: m[2] === "!=" ? "!=" : "=", value: unescapeValue(m[3] as string) });
  }
  return out;
}

function splitUnescaped(text: string, sep: string): string[] {
  const parts: string[] = [];
  let cur = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === "\\" && i + 1 < text.length) {
      cur += c + (text[i + 1] as string);
      i++;
    } else if (c === sep) {
      parts.push(cur);
      cur = "";
    } else cur += c;
  }
  parts.push(cur);
  return parts;
}

function unescapeValue(v: string): string {
  return v.replace(/\\(.)/g, "$1");
}

/** Whether the field values of an object (from its kind's field set) satisfy the selector. */
export function matchesFields(selector: FieldSelector, fields: Record<string, string>): boolean {
  for (const r of selector) {
    const v = fields[r.field] ?? "";
    if (r.operator === "=" ? v !== r.value : v === r.value) return false;
  }
  return true;
}
