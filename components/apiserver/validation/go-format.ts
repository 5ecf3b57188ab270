// How Go's fmt prints the values upstream puts in validation messages: %#v of a
// map[string]string and the generated String() of a metav1.LabelSelector.

/** `map[string]string{"a":"b", "c":"d"}` with sorted keys, as %#v prints it. */
export function goStringMap(map: Record<string, string> | undefined): string {
  if (map === undefined) return "map[string]string(nil)";
  const keys = Object.keys(map).sort();
  return `map[string]string{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(map[k])}`).join(", ")}}`;
}

/** metav1.LabelSelector's String(), as field.Invalid renders a selector value. */
export function goLabelSelector(matchLabels: Record<string, string>, expressions: string[] = []): string {
  const keys = Object.keys(matchLabels).sort();
  const labels = keys.map((k) => `${k}: ${matchLabels[k]},`).join("");
  return `&LabelSelector{MatchLabels:map[string]string{${labels}},MatchExpressions:[]LabelSelectorRequirement{${expressions.join(",")}},}`;
}
