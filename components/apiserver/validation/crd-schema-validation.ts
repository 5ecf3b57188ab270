// Structural-schema and printer-column checks of a CRD version, worded as upstream
// (apiextensions-apiserver pkg/apis/apiextensions/validation/validation.go and
// pkg/apiserver/schema/validation.go: "must not be empty for specified object fields").
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import { forbidden, invalid, notSupported, required } from "./field-errors.ts";
import { child, isObject, type JsonObject, objects } from "./json.ts";

const TYPES = ["array", "boolean", "integer", "number", "object", "string"];
const COLUMN_TYPES = ["boolean", "date", "integer", "number", "string"];

/** Every specified field needs a type unless it is int-or-string or preserves unknown fields. */
function structural(path: string, schema: JsonObject, out: StatusCause[], depth: number): void {
  if (depth > 64) return;
  const type = schema.type;
  const free =
    schema["x-kubernetes-int-or-string"] === true || schema["x-kubernetes-preserve-unknown-fields"] === true;
  if ((type === undefined || type === "") && !free) {
    out.push(required(`${path}.type`, "must not be empty for specified object fields"));
  } else if (type !== undefined && !TYPES.includes(type as string)) {
    out.push(notSupported(`${path}.type`, type, TYPES));
  }
  const props = child(schema, "properties");
  if (props) {
    if (type !== undefined && type !== "object")
      out.push(forbidden(`${path}.properties`, "must be empty for non-object types"));
    for (const [name, sub] of Object.entries(props)) {
      if (isObject(sub)) structural(`${path}.properties[${name}]`, sub, out, depth + 1);
    }
  }
  const items = child(schema, "items");
  if (type === "array" && !items) out.push(required(`${path}.items`, "must be specified"));
  if (items) structural(`${path}.items`, items, out, depth + 1);
  const additional = child(schema, "additionalProperties");
  if (additional) structural(`${path}.additionalProperties`, additional, out, depth + 1);
}

export function validateVersionSchema(path: string, version: JsonObject): StatusCause[] {
  const out: StatusCause[] = [];
  const schema = child(child(version, "schema"), "openAPIV3Schema");
  if (!schema) return [required(`${path}.schema.openAPIV3Schema`, "schemas are required")];
  const root = `${path}.schema.openAPIV3Schema`;
  if (schema.type === undefined) out.push(required(`${root}.type`, "must not be empty at the root"));
  else if (schema.type !== "object")
    out.push(invalid(`${root}.type`, schema.type, "must be object at the root"));
  for (const [name, sub] of Object.entries(child(schema, "properties") ?? {})) {
    if (isObject(sub)) structural(`${root}.properties[${name}]`, sub, out, 1);
  }
  for (const [col, i] of objects(version, "additionalPrinterColumns")) {
    const at = `${path}.additionalPrinterColumns[${i}]`;
    if (!col.name) out.push(required(`${at}.name`));
    if (!COLUMN_TYPES.includes(col.type as string))
      out.push(notSupported(`${at}.type`, col.type ?? "", COLUMN_TYPES));
    if (!col.jsonPath) out.push(required(`${at}.jsonPath`));
    else if (typeof col.jsonPath === "string" && !col.jsonPath.startsWith(".")) {
      out.push(invalid(`${at}.jsonPath`, col.jsonPath, "must be a simple json path starting with ."));
    }
  }
  const scale = child(child(version, "subresources"), "scale");
  if (scale) {
    for (const key of ["specReplicasPath", "statusReplicasPath"]) {
      const p = scale[key];
      if (!p) out.push(required(`${path}.subresources.scale.${key}`));
      else if (typeof p === "string" && !p.startsWith(key === "specReplicasPath" ? ".spec." : ".status.")) {
        out.push(
          invalid(
            `${path}.subresources.scale.${key}`,
            p,
            `should be a json path under .${key === "specReplicasPath" ? "spec" : "status"}`,
          ),
        );
      }
    }
  }
  return out;
}
