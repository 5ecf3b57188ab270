// Where typedDecode is in a body: a chain of steps to the root, from which Go's field list and
// the full path (`spec.containers[0].image`) are spelled out only when a mismatch or an unknown
// field needs them.

/**
 * Where a value sits, as a chain to the root: the struct field, map key or list index that holds
 * it. Go's field list and the full path are spelled out only for a mismatch (every body is
 * walked; most have none).
 */
export interface Ctx {
  parent: Ctx | undefined;
  /** "field": a struct field (Go's field list has it); "key": a map key; "index": a list item. */
  step: "root" | "field" | "key" | "index";
  key: string;
  index: number;
  /** The innermost Go struct holding the value. */
  struct: string;
}

export function ctxRoot(): Ctx {
  return { parent: undefined, step: "root", key: "", index: 0, struct: "" };
}

/** The struct fields from the top, as Go joins them (`metadata.labels`). */
export function fieldsOf(ctx: Ctx): string {
  const fields: string[] = [];
  for (let c: Ctx | undefined = ctx; c; c = c.parent) if (c.step === "field") fields.push(c.key);
  return fields.reverse().join(".");
}

/** The full path with indexes and map keys (`spec.containers[0].image`). */
export function pathOf(ctx: Ctx): string {
  if (!ctx.parent) return "";
  const parent = pathOf(ctx.parent);
  if (ctx.step === "index") return `${parent}[${ctx.index}]`;
  return parent === "" ? ctx.key : `${parent}.${ctx.key}`;
}
