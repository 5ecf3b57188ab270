// Go's `fmt` `%v` rendering of decoded JSON (map[string]interface{}, []interface{}, float64),
// so that patch error messages read exactly like kube-apiserver's (e.g. ErrNoMergeKey).

import { isJsonObject, type JsonValue } from "./json-value.ts";

export function goFormat(value: unknown): string {
  if (value === null || value === undefined) return "<nil>";
  if (Array.isArray(value)) return `[${value.map(goFormat).join(" ")}]`;
  if (isJsonObject(value)) {
    const keys = Object.keys(value).sort();
    return `map[${keys.map((key) => `${key}:${goFormat(value[key])}`).join(" ")}]`;
  }
  if (typeof value === "number") return goFloat(value);
  return String(value);
}

/** Go prints a float64 with %v using the shortest form, switching to exponents at 1e21. */
function goFloat(n: number): string {
  if (!Number.isFinite(n)) return n > 0 ? "+Inf" : n < 0 ? "-Inf" : "NaN";
  const abs = Math.abs(n);
  if (abs !== 0 && (abs >= 1e21 || abs < 1e-4)) {
    const [mantissa = "", exponent = "0"] = n.toExponential().split("e");
    const sign = exponent.startsWith("-") ? "-" : "+";
    const digits = exponent.replace(/^[+-]/, "").padStart(2, "0");
    return `${mantissa}e${sign}${digits}`;
  }
  return String(n);
}

/** The Go type name of a decoded JSON value, as reflect prints it in mergepatch errors. */
export function goTypeName(value: JsonValue): string {
  if (value === null) return "<nil>";
  if (Array.isArray(value)) return "[]interface {}";
  if (isJsonObject(value)) return "map[string]interface {}";
  if (typeof value === "number") return "float64";
  return typeof value === "boolean" ? "bool" : "string";
}
