// Why a create or update body cannot be decoded as the URL's kind, in kube-apiserver's words:
// a body that is no JSON object is "the object provided is unrecognized (must be of type X)", a
// body of another kind "cannot be handled as a X" with the scheme's reason, one of another
// version of the same kind "does not match the expected API version".
// Upstream: apiserver pkg/endpoints/handlers/rest.go transformDecodeError, apimachinery
// runtime/serializer/json/meta.go Interpret, runtime/error.go, conversion/converter.go.
import { groupVersion, parseApiVersion, RESOURCES } from "../../../lib/api/resources.ts";
import { StatusError } from "../../../lib/errors/status-error.ts";
import { decodeObjectBody, type ProtobufDecoder } from "../http/body.ts";
import { servedApiVersion } from "../registry/prepare-write.ts";
import type { Entry } from "../registry/registry.ts";
import { goJsonSyntaxError } from "./go-json-syntax-error.ts";

/** The scheme kube-apiserver names in "not registered" errors. */
const SCHEME = "pkg/api/legacyscheme/scheme.go:30";
const FIND_KIND_TYPE =
  'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }';

/** upstream's summarizeData(body, 30): the text of a JSON object, else hex. */
function summarize(body: Uint8Array, max = 30): string {
  if (body.length === 0) return "<empty>";
  const head = body.subarray(0, max);
  const more = body.length > max ? " ..." : "";
  if (body[0] === 0x7b) return `${new TextDecoder().decode(head)}${more}`;
  return `${Buffer.from(head).toString("hex")}${more}`;
}

function goTypeName(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (value === null) return "null";
  if (typeof value === "object") return "object";
  if (typeof value === "boolean") return "bool";
  return typeof value;
}

/** encoding/json's error reading apiVersion and kind (SimpleMetaFactory.Interpret), if any. */
function interpretError(body: Uint8Array): string | undefined {
  const syntax = goJsonSyntaxError(body);
  if (syntax) return syntax;
  const value: unknown = JSON.parse(new TextDecoder().decode(body));
  if (value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) {
    return `json: cannot unmarshal ${goTypeName(value)} into Go value of type ${FIND_KIND_TYPE}`;
  }
  for (const [key, field] of Object.entries(value)) {
    const name =
      key.toLowerCase() === "kind" ? "kind" : key.toLowerCase() === "apiversion" ? "apiVersion" : "";
    if (name && field !== null && typeof field !== "string") {
      return `json: cannot unmarshal ${goTypeName(field)} into Go struct field .${name} of type string`;
    }
  }
  return undefined;
}

/** 400 for a body whose apiVersion and kind cannot even be read; undefined when they can. */
export function unrecognizedBody(kind: string, body: Uint8Array): StatusError | undefined {
  const error = interpretError(body);
  if (!error) return undefined;
  return StatusError.badRequest(
    `the object provided is unrecognized (must be of type ${kind}): couldn't get version/kind; json parse error: ${error} (${summarize(body)})`,
  );
}

/** The Go package of a group's internal types ("core" for the legacy group and events). */
function internalPackage(group: string): string {
  if (group === "" || group === "events.k8s.io") return "core";
  if (group === "internal.apiserver.k8s.io") return "apiserverinternal";
  return group.split(".")[0] ?? group;
}

function registered(apiVersion: string, kind: string): boolean {
  return RESOURCES.some(
    (r) => groupVersion(r) === apiVersion && (r.kind === kind || `${r.kind}List` === kind),
  );
}

/**
 * 400 when the body names another kind or version than the URL's built-in resource (absent
 * fields take the URL's); undefined when it matches. Custom resources are not judged here.
 */
export function kindMismatch(entry: Entry, body: Record<string, unknown>): StatusError | undefined {
  const want = servedApiVersion(entry);
  const wanted = entry.info.kind;
  if (!RESOURCES.some((r) => r.group === entry.info.group && r.kind === wanted)) return undefined;
  const kind = typeof body.kind === "string" && body.kind !== "" ? body.kind : wanted;
  const apiVersion = typeof body.apiVersion === "string" && body.apiVersion !== "" ? body.apiVersion : want;
  if (kind === wanted && apiVersion === want) return undefined;
  const { group, version } = parseApiVersion(apiVersion);
  const handled = `${kind} in version "${version}" cannot be handled as a ${wanted}`;
  if (!registered(apiVersion, kind)) {
    return StatusError.badRequest(
      `${handled}: no kind "${kind}" is registered for version "${apiVersion}" in scheme "${SCHEME}"`,
    );
  }
  if (kind === wanted && group === entry.info.group) {
    return StatusError.badRequest(
      `the API version in the data (${apiVersion}) does not match the expected API version (${want})`,
    );
  }
  return StatusError.badRequest(
    `${handled}: converting (${version}.${kind}) to (${internalPackage(entry.info.group)}.${wanted}): unknown conversion`,
  );
}

/**
 * A create or update body decoded for `entry` (POST and PUT): the decode errors and kind checks
 * above first, in kube-apiserver's order, then the body as decodeObjectBody returns it.
 */
export function decodeBodyFor(
  entry: Entry,
  raw: Uint8Array,
  type: string,
  protobuf?: ProtobufDecoder,
): Record<string, unknown> {
  const json = type === "" || type === "application/json";
  let body: Record<string, unknown>;
  try {
    body = decodeObjectBody(raw, type, protobuf);
  } catch (err) {
    throw (json && unrecognizedBody(entry.info.kind, raw)) || err;
  }
  const typeMeta = [body.kind, body.apiVersion];
  if (json && typeMeta.some((v) => v !== undefined && v !== null && typeof v !== "string")) {
    const error = unrecognizedBody(entry.info.kind, raw);
    if (error) throw error;
  }
  const mismatch = kindMismatch(entry, body);
  if (mismatch) throw mismatch;
  return body;
}
