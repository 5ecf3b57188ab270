// API objects as the apiserver handles them: plain JSON values with ObjectMeta, stored as
// JSON text without metadata.resourceVersion, which is the key's mod revision on every read
// (upstream's APIObjectVersioner does the same with etcd's mod_revision).
import type { ObjectMeta } from "kubernetes-types/meta/v1";
import type { KeyValue } from "../../../storage/kv.ts";
import { encodeParts } from "./encoded-object.ts";

/** ObjectMeta without kubernetes-types' readonly marks: the server is who sets those fields. */
export type Meta = { -readonly [K in keyof ObjectMeta]: ObjectMeta[K] };

export interface KObject {
  apiVersion?: string;
  kind?: string;
  metadata?: Meta;
  [field: string]: unknown;
}

/** An object that has been through the API: it has metadata. */
export type Stored = KObject & { metadata: Meta };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Stored JSON starts with metadata, so a list can splice resourceVersion in without parsing. */
export function encodeObject(obj: KObject): Uint8Array {
  return encodeParts(obj)?.value ?? encodeWhole(obj);
}

/** encodeObject in one stringify call, for an object whose layout encodeParts does not take. */
export function encodeWhole(obj: KObject): Uint8Array {
  const { resourceVersion: _, ...metadata } = obj.metadata ?? {};
  const { metadata: _m, ...rest } = obj;
  return encoder.encode(JSON.stringify({ metadata, ...rest }));
}

const METADATA_PREFIX = '{"metadata":{';

/** The object's JSON text with its resourceVersion, without a parse when the layout allows. */
export function objectJson(kv: KeyValue, revision = kv.modRevision): string {
  const text = decoder.decode(kv.value);
  if (!text.startsWith(METADATA_PREFIX)) return JSON.stringify(decodeObject(kv, revision));
  const rest = text.slice(METADATA_PREFIX.length);
  return `${METADATA_PREFIX}"resourceVersion":"${revision}"${rest.startsWith("}") ? "" : ","}${rest}`;
}

const PREFIX_BYTES = encoder.encode(METADATA_PREFIX);

/**
 * objectJson as UTF-8 parts to be concatenated (a response body of many objects is then copied
 * once, never decoded to text and encoded back).
 */
export function objectJsonBytes(kv: KeyValue, revision = kv.modRevision): Uint8Array[] {
  const v = kv.value;
  for (let i = 0; i < PREFIX_BYTES.length; i++)
    if (v[i] !== PREFIX_BYTES[i]) return [encoder.encode(JSON.stringify(decodeObject(kv, revision)))];
  const rest = v.subarray(PREFIX_BYTES.length);
  const empty = rest[0] === 0x7d; // "}": metadata had nothing but resourceVersion
  return [encoder.encode(`${METADATA_PREFIX}"resourceVersion":"${revision}"${empty ? "" : ","}`), rest];
}

export function decodeObject(kv: KeyValue, revision = kv.modRevision): Stored {
  const obj = JSON.parse(decoder.decode(kv.value)) as Stored;
  obj.metadata ??= {};
  obj.metadata.resourceVersion = String(revision);
  return obj;
}

/**
 * A deep copy of a value that came from JSON (a stored object, a request body): a JSON round
 * trip, about 4x cheaper than structuredClone in Bun (2 vs 8 us for a Binding).
 */
export function copyJson<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

export function meta(obj: KObject): Meta {
  obj.metadata ??= {};
  return obj.metadata;
}

/** RFC 3339 with second precision, as metav1.Time marshals. */
export function rfc3339(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
