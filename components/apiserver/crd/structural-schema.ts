// What a CRD's openAPIV3Schema does to a custom resource, as apiextensions-apiserver does
// it: defaults from `default`, pruning of fields the schema does not name (unless
// x-kubernetes-preserve-unknown-fields), and validation of types, required fields, enums,
// bounds, lengths and patterns with upstream's messages. Upstream:
// apiextensions-apiserver pkg/apiserver/schema/{defaulting,pruning} and kube-openapi validate.
import type { StatusCause } from "../../../lib/errors/status-error.ts";

export interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema | boolean;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  format?: string;
  nullable?: boolean;
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  "x-kubernetes-int-or-string"?: boolean;
  "x-kubernetes-embedded-resource"?: boolean;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const isObject = (v: unknown): v is Record<string, Json> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Remove fields the schema does not describe (metadata, apiVersion and kind are kept at the root). */
export function prune(value: Json, schema: Schema | undefined, root = true): Json {
  if (!schema || schema["x-kubernetes-preserve-unknown-fields"]) return value;
  if (Array.isArray(value)) return schema.items ? value.map((v) => prune(v, schema.items, false)) : value;
  if (!isObject(value)) return value;
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(value)) {
    if (root && (k === "apiVersion" || k === "kind" || k === "metadata")) {
      out[k] = v;
      continue;
    }
    const sub =
      schema.properties?.[k] ??
      (typeof schema.additionalProperties === "object" ? schema.additionalProperties : undefined);
    if (sub) out[k] = prune(v, sub, false);
    else if (schema.additionalProperties === true || (schema.type !== "object" && !schema.properties))
      out[k] = v;
  }
  return out;
}

/** Fill `default`s of absent properties, depth first (apiextensions defaulting). */
export function applyDefaults(value: Json, schema: Schema | undefined): Json {
  if (!schema) return value;
  if (Array.isArray(value)) return schema.items ? value.map((v) => applyDefaults(v, schema.items)) : value;
  if (!isObject(value)) return value;
  for (const [k, sub] of Object.entries(schema.properties ?? {})) {
    if (!(k in value) && sub.default !== undefined) value[k] = structuredClone(sub.default) as Json;
    if (k in value) value[k] = applyDefaults(value[k] as Json, sub);
  }
  if (typeof schema.additionalProperties === "object") {
    for (const k of Object.keys(value)) {
      if (!schema.properties?.[k]) value[k] = applyDefaults(value[k] as Json, schema.additionalProperties);
    }
  }
  return value;
}

function typeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

const show = (v: unknown) => JSON.stringify(v);

/** Validation causes for `value` at `path` ("" at the root). */
export function validateSchema(value: unknown, schema: Schema | undefined, path = ""): StatusCause[] {
  if (!schema) return [];
  const out: StatusCause[] = [];
  const field = path || "<root>";
  const bad = (detail: string): StatusCause => ({
    reason: "FieldValueInvalid",
    field,
    message: `Invalid value: ${show(value)}: ${detail}`,
  });
  if (value === null) {
    if (!schema.nullable && schema.type)
      out.push(bad(`${field} in body must be of type ${schema.type}: "null"`));
    return out;
  }
  const t = typeOf(value);
  if (schema["x-kubernetes-int-or-string"]) {
    if (t !== "integer" && t !== "string")
      out.push(bad(`${field} in body must be of type integer or string: "${t}"`));
  } else if (schema.type && !(schema.type === t || (schema.type === "number" && t === "integer"))) {
    out.push(bad(`${field} in body must be of type ${schema.type}: "${t}"`));
    return out;
  }
  if (schema.enum && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    out.push({
      reason: "FieldValueNotSupported",
      field,
      message: `Unsupported value: ${show(value)}: supported values: ${schema.enum.map(show).join(", ")}`,
    });
  }
  if (typeof value === "number") {
    if (
      schema.minimum !== undefined &&
      (schema.exclusiveMinimum ? value <= schema.minimum : value < schema.minimum)
    ) {
      out.push(
        bad(
          `${field} in body should be greater than ${schema.exclusiveMinimum ? "" : "or equal to "}${schema.minimum}`,
        ),
      );
    }
    if (
      schema.maximum !== undefined &&
      (schema.exclusiveMaximum ? value >= schema.maximum : value > schema.maximum)
    ) {
      out.push(
        bad(
          `${field} in body should be less than ${schema.exclusiveMaximum ? "" : "or equal to "}${schema.maximum}`,
        ),
      );
    }
  }
  if (typeof value === "string") {
    if (schema.minLength !== undefined && value.length < schema.minLength) {
      out.push(bad(`${field} in body should be at least ${schema.minLength} chars long`));
    }
    if (schema.maxLength !== undefined && value.length > schema.maxLength) {
      out.push({
        reason: "FieldValueTooLong",
        field,
        message: `Too long: may not be more than ${schema.maxLength} bytes`,
      });
    }
    if (schema.pattern !== undefined && !safeTest(schema.pattern, value)) {
      out.push(bad(`${field} in body should match '${schema.pattern}'`));
    }
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems)
      out.push(bad(`${field} in body should have at least ${schema.minItems} items`));
    if (schema.maxItems !== undefined && value.length > schema.maxItems) {
      out.push({
        reason: "FieldValueTooMany",
        field,
        message: `Too many: ${value.length}: must have at most ${schema.maxItems} items`,
      });
    }
    value.forEach((v, i) => {
      out.push(...validateSchema(v, schema.items, `${path}[${i}]`));
    });
  }
  if (isObject(value)) {
    for (const r of schema.required ?? []) {
      if (!(r in value))
        out.push({
          reason: "FieldValueRequired",
          field: path ? `${path}.${r}` : r,
          message: "Required value",
        });
    }
    for (const [k, v] of Object.entries(value)) {
      const sub =
        schema.properties?.[k] ??
        (typeof schema.additionalProperties === "object" ? schema.additionalProperties : undefined);
      if (path === "" && (k === "metadata" || k === "apiVersion" || k === "kind")) continue;
      out.push(...validateSchema(v, sub, path ? `${path}.${k}` : k));
    }
  }
  return out;
}

function safeTest(pattern: string, value: string): boolean {
  try {
    return new RegExp(pattern, "u").test(value);
  } catch {
    return true;
  }
}
