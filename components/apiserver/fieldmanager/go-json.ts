// JSON text as Go's encoding/json writes an unstructured object: map keys sorted, `<`, `>`, `&`,
// U+2028 and U+2029 escaped as \u00XX, and json.Encoder's trailing newline
// (apimachinery unstructuredJSONScheme, which writes the server's last-applied annotation).

import { isJsonObject, type JsonValue } from "../patch/json-value.ts";

function sorted(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(sorted);
  if (!isJsonObject(value)) return value;
  const out: Record<string, JsonValue> = {};
  for (const key of Object.keys(value).sort()) out[key] = sorted(value[key] as JsonValue);
  return out;
}

const escapes: Record<string, string> = {
  "<": "\\u003c",
  ">": "\\u003e",
  "&": "\\u0026",
  "\u2028": "\\u2028",
  "\u2029": "\\u2029",
};

/** `json.NewEncoder(w).Encode(v)` of a decoded JSON value: sorted keys, HTML-safe, newline-ended. */
export function goJsonEncode(value: JsonValue): string {
  return `${JSON.stringify(sorted(value)).replace(/[<>&\u2028\u2029]/g, (c) => escapes[c] ?? c)}\n`;
}
