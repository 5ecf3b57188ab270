// Request bodies: read as a stream, counted while they arrive and cut at the limit (upstream's
// 3 MiB) or at the request timeout (upstream's 60 s), then decoded by Content-Type — JSON (also
// when the type is missing, as `kubectl scale --current-replicas` sends), YAML for apply
// patches, and Kubernetes protobuf for typed clients. Nesting deeper than Go's decoder takes
// (10000 levels) is refused by a scan before anything is parsed.
import { parse as parseYaml } from "yaml";
import { StatusError } from "../../../lib/errors/status-error.ts";
import { contextOf } from "../filters/request-context.ts";
import { duplicateFields } from "./duplicate-fields.ts";
import { jsonDepthError, MAX_JSON_DEPTH, MAX_OBJECT_DEPTH } from "./json-depth.ts";

export const MAX_BODY_BYTES = 3 * 1024 * 1024;
/** Upstream's default --request-timeout. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

/** upstream's timeout filter answer (k8s.io/apiserver pkg/server/filters/timeout.go). */
export function requestTimeout(): StatusError {
  return StatusError.of(
    504,
    "Timeout",
    "Timeout: request did not complete within requested timeout - context deadline exceeded",
    {},
  );
}

/**
 * The body, at most `limit` bytes (413 past it, without reading further), within the request's
 * timeout (504 after it, the connection's body abandoned).
 */
export async function readBody(req: Request, limit = MAX_BODY_BYTES): Promise<Uint8Array> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > limit) throw StatusError.tooLarge(limit);
  if (!req.body) return new Uint8Array(0);
  const timeoutMs = contextOf(req).requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  // A declared length within the limit is read whole, without a ReadableStream and its reader
  // (profile of 500 creates/s: the stream machinery was ~7% of the apiserver's CPU samples).
  if (req.headers.has("content-length")) {
    try {
      const whole = await Promise.race([req.bytes(), expired]);
      if (whole === "timeout") throw requestTimeout();
      return whole;
    } finally {
      clearTimeout(timer);
    }
  }
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), expired]);
      if (next === "timeout") throw requestTimeout();
      if (next.done) break;
      size += next.value.byteLength;
      if (size > limit) throw StatusError.tooLarge(limit);
      chunks.push(next.value);
    }
  } catch (err) {
    reader.cancel().catch(() => undefined);
    throw err;
  } finally {
    clearTimeout(timer);
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

export function mediaType(req: Request): string {
  return (req.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

/** A protobuf decoder, plugged in by the server (kept out of this module's imports). */
export type ProtobufDecoder = (body: Uint8Array) => Record<string, unknown>;

/** Decode an object body; 400 for malformed input, 415 for unknown types. */
export function decodeObjectBody(
  body: Uint8Array,
  type: string,
  protobuf?: ProtobufDecoder,
): Record<string, unknown> {
  if (body.length === 0) throw StatusError.badRequest("the request body is empty; send the object as JSON");
  let value: unknown;
  // An object to store: no deeper than a Go client can still decode inside a list.
  let text: string | undefined;
  if (type === "" || type === "application/json" || type.endsWith("+json")) {
    text = bodyText(body);
    value = parseJsonText(text, MAX_OBJECT_DEPTH);
  } else if (type === "application/yaml" || type === "application/apply-patch+yaml") {
    value = parseYamlBody(body, MAX_OBJECT_DEPTH);
  } else if (type === "application/vnd.kubernetes.protobuf" && protobuf) {
    value = protobuf(body);
  } else {
    throw StatusError.unsupportedMediaType([
      "application/json",
      "application/yaml",
      "application/vnd.kubernetes.protobuf",
    ]);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw StatusError.badRequest("the request body must be a JSON object");
  }
  if (text !== undefined) jsonSources.set(value, text);
  return value as Record<string, unknown>;
}

/** The JSON text each decoded object body came from, for what JSON.parse forgets (duplicate keys). */
const jsonSources = new WeakMap<object, string>();

/** The keys the JSON text of `body` (from decodeObjectBody) repeats, as strict-decoding paths. */
export function duplicateFieldsOf(body: object): string[] {
  const text = jsonSources.get(body);
  return text === undefined ? [] : duplicateFields(text);
}

/** UTF-8 text of a body; a byte-order mark stays, so JSON.parse refuses it as Go does. */
export function bodyText(body: Uint8Array): string {
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8");
}

function parseYamlBody(body: Uint8Array, maxDepth: number): unknown {
  let value: unknown;
  try {
    // JSON is YAML: a JSON apply body is scanned for depth like any JSON body.
    const text = bodyText(body);
    const depth = jsonDepthError(text, maxDepth);
    if (depth) throw new Error(depth);
    value = parseYaml(text, { maxAliasCount: 100 });
  } catch (err) {
    throw StatusError.badRequest(`error converting YAML to JSON: ${(err as Error).message}`);
  }
  const depth =
    value !== null && typeof value === "object" ? jsonDepthError(JSON.stringify(value), maxDepth) : undefined;
  if (depth) throw StatusError.badRequest(`error converting YAML to JSON: ${depth}`);
  return value;
}

export function parseJson(body: Uint8Array, maxDepth = MAX_JSON_DEPTH): unknown {
  return parseJsonText(bodyText(body), maxDepth);
}

function parseJsonText(text: string, maxDepth: number): unknown {
  const depth = jsonDepthError(text, maxDepth);
  if (depth) throw StatusError.badRequest(`the request body is not valid JSON: ${depth}`);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw StatusError.badRequest(`the request body is not valid JSON: ${(err as Error).message}`);
  }
}
