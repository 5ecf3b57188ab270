// How Go's fmt prints the values upstream puts in validation messages (%#v of a
// map[string]string, a v1.LabelSelector and an intstr.IntOrString), since field.Invalid
// dereferences pointers and falls back to %#v for structs.

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** `map[string]string{"a":"b", "c":"d"}` with sorted keys; `map[string]string(nil)` when absent. */
export function goStringMap(map: Record<string, unknown> | undefined | null): string {
  if (map === undefined || map === null) return "map[string]string(nil)";
  const keys = Object.keys(map).sort();
  return `map[string]string{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(String(map[k]))}`).join(", ")}}`;
}

function goStrings(v: unknown): string {
  if (!Array.isArray(v)) return "[]string(nil)";
  return `[]string{${v.map((s) => JSON.stringify(String(s))).join(", ")}}`;
}

/** `v1.LabelSelector{MatchLabels:map[string]string{"app":"web"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}` */
export function goLabelSelector(selector: unknown): string {
  const sel = isRecord(selector) ? selector : {};
  const labels = isRecord(sel.matchLabels) ? goStringMap(sel.matchLabels) : "map[string]string(nil)";
  let exprs = "[]v1.LabelSelectorRequirement(nil)";
  if (Array.isArray(sel.matchExpressions)) {
    const items = sel.matchExpressions.map((e) => {
      const r = isRecord(e) ? e : {};
      return `v1.LabelSelectorRequirement{Key:${JSON.stringify(String(r.key ?? ""))}, Operator:${JSON.stringify(String(r.operator ?? ""))}, Values:${goStrings(r.values)}}`;
    });
    exprs = `[]v1.LabelSelectorRequirement{${items.join(", ")}}`;
  }
  return `v1.LabelSelector{MatchLabels:${labels}, MatchExpressions:${exprs}}`;
}

/** `intstr.IntOrString{Type:1, IntVal:0, StrVal:"25%"}` */
export function goIntOrString(v: unknown): string {
  if (typeof v === "number") return `intstr.IntOrString{Type:0, IntVal:${v}, StrVal:""}`;
  return `intstr.IntOrString{Type:1, IntVal:0, StrVal:${JSON.stringify(String(v ?? ""))}}`;
}
