// The stored JSON of an object built from two JSON.stringify calls, metadata and the rest, byte
// for byte what one call over `{metadata, ...rest}` writes; the parts then give a create's
// response without stringifying the object again. Two calls are no slower than one: a pod's
// managedFields keys (`k:{"name":"c"}`) need escaping, which takes JSC's stringify off its fast
// path for the whole call; split, only metadata's call pays it.

/** An object's stored encoding and the JSON texts it was made of. */
export interface EncodedObject {
  value: Uint8Array;
  /** metadata's JSON, without resourceVersion. */
  metadata: string;
  /** The JSON of every field but metadata, apiVersion and kind, in the object's order. */
  others: string;
  /** metadata held a resourceVersion (its place in a response is then its own). */
  hadVersion: boolean;
  /** That resourceVersion was metadata's last member (an update's, read back and written). */
  versionLast: boolean;
  /**
   * Where in `metadata` a resourceVersion that had later members goes back (a Go client's update
   * sends it after uid, and the managedFields an update keeps come after it): the length of the
   * JSON of the members before it, less its closing brace.
   */
  versionAt?: number;
}

/** What encodeParts reads of an object (object.ts's KObject fits; a type of its own keeps the two files apart). */
interface Encodable {
  metadata?: { resourceVersion?: string; [field: string]: unknown };
  [field: string]: unknown;
}

const encoder = new TextEncoder();

/**
 * The split encoding, when `obj` has metadata and its apiVersion, kind and metadata come before
 * its other fields (as clients write them; the stored text is the same); undefined otherwise.
 */
export function encodeParts(obj: Encodable): EncodedObject | undefined {
  let head = "";
  let past = false;
  let hasMetadata = false;
  for (const key in obj) {
    if (key === "metadata") {
      if (past) return undefined;
      hasMetadata = true;
    } else if (key === "apiVersion" || key === "kind") {
      if (past) return undefined;
      const value = JSON.stringify(obj[key]);
      if (value !== undefined) head += `,"${key}":${value}`;
    } else past = true;
  }
  // Without metadata a served copy gets it last (withVersion adds it): not this layout.
  if (!hasMetadata) return undefined;
  const { resourceVersion, ...meta } = obj.metadata ?? {};
  const { metadata: _m, apiVersion: _a, kind: _k, ...rest } = obj;
  const metadata = JSON.stringify(meta);
  const others = JSON.stringify(rest);
  const text = `{"metadata":${metadata}${head}${others === "{}" ? "}" : `,${others.slice(1)}`}`;
  const hadVersion = resourceVersion !== undefined;
  const versionLast = hadVersion && lastKey(obj.metadata) === "resourceVersion";
  const encoded: EncodedObject = { value: encoder.encode(text), metadata, others, hadVersion, versionLast };
  if (hadVersion && !versionLast) encoded.versionAt = versionOffset(obj.metadata as Record<string, unknown>);
  return encoded;
}

function lastKey(obj: object | undefined): string | undefined {
  let last: string | undefined;
  for (const key in obj) last = key;
  return last;
}

/**
 * The offset in metadata's JSON (without resourceVersion) where resourceVersion stood: the JSON
 * of the members before it is a prefix of that text but for its closing brace, as stringify
 * writes members in the same order and skips the same undefined ones.
 */
function versionOffset(metadata: Record<string, unknown>): number {
  const before: Record<string, unknown> = {};
  for (const key in metadata) {
    if (key === "resourceVersion") break;
    before[key] = metadata[key];
  }
  return JSON.stringify(before).length - 1;
}

/**
 * `JSON.stringify` of the object as served, `{apiVersion, kind, ...}` with metadata's
 * resourceVersion last (as withVersion adds it), or where it was; from its parts.
 */
export function servedJson(
  encoded: EncodedObject,
  apiVersion: string,
  kind: string,
  revision: number,
): string | undefined {
  const { metadata, others } = encoded;
  const version = `"resourceVersion":"${revision}"`;
  // Last (added, or last where it was), or back in its place.
  const at = !encoded.hadVersion || encoded.versionLast ? metadata.length - 1 : encoded.versionAt;
  if (at === undefined) return undefined;
  const before = at > 1;
  const after = at < metadata.length - 1;
  const meta = before
    ? `${metadata.slice(0, at)},${version}${metadata.slice(at)}`
    : `{${version}${after ? "," : ""}${metadata.slice(1)}`;
  const tail = others === "{}" ? "}" : `,${others.slice(1)}`;
  return `{"apiVersion":${JSON.stringify(apiVersion)},"kind":${JSON.stringify(kind)},"metadata":${meta}${tail}`;
}

const encodings = new WeakMap<object, EncodedObject>();

/** Keep `encoded` with `obj` (the object a write returns) for its response. */
export function rememberEncoding(obj: object, encoded: EncodedObject): void {
  encodings.set(obj, encoded);
}

/** The encoding a write kept with `obj`, if any. */
export function encodingOf(obj: object): EncodedObject | undefined {
  return encodings.get(obj);
}
