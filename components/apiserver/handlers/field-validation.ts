// The typed decode of write bodies and server-side field validation (`?fieldValidation=
// Strict|Warn|Ignore`, Warn when absent): a value of the wrong type is upstream's 400 from its
// Go decoder, unknown fields are dropped and, per mode, fail the request or come back as
// `Warning: 299` headers. Upstream: k8s.io/apiserver pkg/endpoints/handlers/{create,update,
// patch,rest}.go (transformDecodeError, fieldValidation) and sigs.k8s.io/json.
import { goQuote } from "../../../lib/errors/go-quote.ts";
import { StatusError } from "../../../lib/errors/status-error.ts";
import type { ResourceRequest } from "../api-context.ts";
import { duplicateFieldsOf } from "../http/body.ts";
import { valueDepthError } from "../http/json-depth.ts";
import { type TypeMismatch, typedDecode } from "../openapi/typed-decode.ts";

const MODES = ["Ignore", "Warn", "Strict"];

/** The fieldValidation directive (writeOptions refused other values); absent or empty: Warn. */
export function validationMode(url: URL): string {
  const mode = url.searchParams.get("fieldValidation") || "Warn";
  return MODES.includes(mode) ? mode : "Warn";
}

/** The type a body is decoded into: the resource's own, or a subresource's (autoscaling/v1 Scale). */
export interface BodyType {
  group: string;
  version: string;
  kind: string;
}

export const SCALE: BodyType = { group: "autoscaling", version: "v1", kind: "Scale" };

function bodyType(r: ResourceRequest, as?: BodyType): BodyType & { apiVersion: string } {
  const { group, version, kind } = as ?? r.entry.info;
  return { group, version, kind, apiVersion: group ? `${group}/${version}` : version };
}

/** encoding/json's text for the first value it could not decode. */
export function goDecodeMessage(m: TypeMismatch): string {
  if (m.custom !== undefined) return m.custom;
  if (m.struct !== "" || m.field !== "")
    return `json: cannot unmarshal ${m.value} into Go struct field ${m.struct}.${m.field} of type ${m.goType}`;
  return `json: cannot unmarshal ${m.value} into Go value of type ${m.goType}`;
}

/**
 * A create or update body (in the served version): 400 for a value Go cannot decode, then its
 * unknown fields removed; unknown and repeated fields fail a Strict request and are warned
 * about under Warn.
 */
export function checkFields(r: ResourceRequest, body: Record<string, unknown>, as?: BodyType): void {
  const mode = validationMode(r.url);
  const { kind, version, apiVersion } = bodyType(r, as);
  const { mismatch, unknown } = typedDecode(apiVersion, kind, body);
  const prefix = `${kind} in version "${version}" cannot be handled as a ${kind}`;
  if (mismatch) throw StatusError.badRequest(`${prefix}: ${goDecodeMessage(mismatch)}`);
  if (mode === "Ignore") return;
  // Repeated keys count where Go decodes them: not inside a field it drops as unknown.
  const inUnknown = (p: string) =>
    unknown.some((u) => p === u || p.startsWith(`${u}.`) || p.startsWith(`${u}[`));
  const duplicates = duplicateFieldsOf(body).filter((p) => !inUnknown(p));
  if (unknown.length === 0 && duplicates.length === 0) return;
  const problems = [
    ...unknown.map((f) => `unknown field "${f}"`),
    ...duplicates.map((f) => `duplicate field "${f}"`),
  ];
  if (mode === "Strict")
    throw StatusError.badRequest(`${prefix}: strict decoding error: ${problems.join(", ")}`);
  r.warnings.push(...problems);
}

/**
 * The object a JSON, merge or strategic merge patch produced, decoded as upstream decodes it
 * after patching: a type error or (Strict) an unknown field is a 422 naming the `patch`; the
 * unknown fields are removed. `patch` is the patch document (strategic merge quotes it).
 */
export function checkPatched(
  r: ResourceRequest,
  type: string,
  patched: Record<string, unknown>,
  patch: unknown,
  as?: BodyType,
): void {
  const mode = validationMode(r.url);
  const strategic = type === "application/strategic-merge-patch+json";
  const { apiVersion, kind } = bodyType(r, as);
  // The patched object's text (as it was before its unknown fields went) only for an error:
  // stringifying a pod on every PATCH was 3% of a status patch's profile (managedFields take
  // JSC's stringify off its fast path). A first decode only reports; with unknown fields to
  // remove, the text is taken and the decode that removes them runs.
  let text: string | undefined;
  let { mismatch, unknown } = typedDecode(apiVersion, kind, patched, undefined, { keepUnknown: true });
  if (unknown.length > 0) {
    if (!strategic) text = JSON.stringify(patched);
    ({ mismatch, unknown } = typedDecode(apiVersion, kind, patched));
  }
  const shown = () => (strategic ? goFormat(patch) : (text ?? JSON.stringify(patched)));
  // upstream's NewInvalid(schema.GroupKind{}, "", ...): no kind, so the message starts ` ""`.
  const invalid = (detail: string) =>
    StatusError.invalid({ group: "", kind: "" }, "", [
      {
        reason: "FieldValueInvalid",
        message: `Invalid value: ${goQuote(shown())}: ${detail}`,
        field: "patch",
      },
    ]);
  const tooDeep = valueDepthError(patched);
  if (tooDeep) throw invalid(tooDeep);
  if (mismatch) throw invalid(strategic ? converterMessage(mismatch) : goDecodeMessage(mismatch));
  if (unknown.length === 0 || mode === "Ignore") return;
  const problems = unknown.map((f) => `unknown field "${f}"`);
  if (mode === "Strict") throw invalid(`strict decoding error: ${problems.join(", ")}`);
  // The patch function runs again when a write conflicts: warn once.
  for (const p of problems) if (!r.warnings.includes(p)) r.warnings.push(p);
}

/**
 * A server-side apply body, typed as structured-merge-diff types it: a field the schema does not
 * declare or a value of the wrong type is upstream's 400 "failed to create typed patch object".
 */
export function checkApplied(r: ResourceRequest, body: Record<string, unknown>): void {
  const { group, version, kind, apiVersion } = bodyType(r);
  const probe = structuredClone(body);
  const { mismatch, unknown } = typedDecode(apiVersion, kind, probe);
  const gvk = `${group}/${version}, Kind=${kind}`;
  const fail = (path: string, detail: string) =>
    StatusError.badRequest(`failed to create typed patch object (${gvk}): .${path}: ${detail}`);
  if (mismatch) throw fail(mismatch.path, smdMessage(mismatch));
  const first = unknown[0];
  if (first !== undefined) throw fail(first, "field not declared in schema");
}

/** structured-merge-diff's words for a value of the wrong type. */
function smdMessage(m: TypeMismatch): string {
  if (m.custom !== undefined) return m.custom;
  if (m.value.startsWith("number ")) return goDecodeMessage(m);
  if (m.goType.startsWith("[]")) return `expected list, got ${m.value}`;
  if (m.goType.startsWith("map[") || /^v\d|\./.test(m.goType)) return `expected map, got ${m.value}`;
  if (m.goType === "bool") return `expected boolean, got ${m.value}`;
  if (m.goType === "string") return `expected string, got ${m.value}`;
  return `expected numeric (int or float), got ${m.value}`;
}

/** runtime.DefaultUnstructuredConverter's words (the strategic merge patch path). */
function converterMessage(m: TypeMismatch): string {
  if (m.custom !== undefined || m.value.startsWith("number ")) return goDecodeMessage(m);
  const from =
    { object: "map", array: "slice", number: "int64", string: "string", bool: "bool" }[m.value] ?? m.value;
  if (m.goType.startsWith("map[")) return `cannot restore map from ${from}`;
  if (m.goType.startsWith("[]")) return `cannot restore slice from ${from}`;
  if (m.goType.includes(".")) return `cannot restore struct from: ${from}`;
  return `cannot convert ${from} to ${m.goType}`;
}

/** Go's fmt `%+v` of a decoded JSON value (maps print with sorted keys). */
export function goFormat(v: unknown): string {
  if (v === null || v === undefined) return "<nil>";
  if (Array.isArray(v)) return `[${v.map(goFormat).join(" ")}]`;
  if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `map[${Object.keys(o)
      .sort()
      .map((k) => `${k}:${goFormat(o[k])}`)
      .join(" ")}]`;
  }
  return String(v);
}

/** The response with one `Warning: 299 - "..."` header per warning. */
export function withWarnings(res: Response, warnings: string[]): Response {
  for (const w of warnings) res.headers.append("Warning", `299 - ${JSON.stringify(w)}`);
  return res;
}
