// What a list collects from the store or the watch cache, in the form its caller asked for
// (objects, stored JSON text, JSON parts or the key-values themselves), and the ListResult it
// becomes, with the continue token and remainingItemCount of a page (upstream's etcd3 store GetList).
import { text } from "../../../storage/keys.ts";
import type { KeyValue } from "../../../storage/kv.ts";
import { encodeContinue } from "./continue-token.ts";
import { decodeObject, objectJson, objectJsonBytes, type Stored } from "./object.ts";
import type { StoredPrefilter } from "./stored-prefilter.ts";

/** What a list's options say of what it collects (a store ListOptions is one). */
export interface ListForm {
  filter?: (obj: Stored) => boolean;
  prefilter?: StoredPrefilter;
  raw?: boolean;
  bytes?: boolean;
  kvs?: boolean;
}

export interface ListResult {
  items: Stored[];
  /** With `raw`: the items as JSON text instead (items is then empty). */
  raw?: string[];
  /** With `bytes`: each item as objectJsonBytes parts instead (items is then empty). */
  bytes?: Uint8Array[][];
  /** With `kvs`: the items as stored (the watch cache's own objects, immutable; value lacks resourceVersion). */
  kvs?: KeyValue[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

/** What a list collects, in the form its caller asked for. */
export class ListOutput {
  readonly items: Stored[] = [];
  readonly raw: string[] = [];
  readonly bytes: Uint8Array[][] = [];
  readonly kvs: KeyValue[] = [];
  count = 0;
}

/** Adds `kv` to a list's output in the form asked for if it passes the filter; true if added. */
export function collect(options: ListForm, out: ListOutput, kv: KeyValue, revision: number): boolean {
  if (options.prefilter && !options.prefilter(kv.value)) return false;
  const obj =
    options.filter || !(options.raw || options.bytes || options.kvs) ? decodeObject(kv, revision) : undefined;
  if (options.filter && !options.filter(obj as Stored)) return false;
  if (options.kvs) out.kvs.push(kv);
  else if (options.bytes) out.bytes.push(objectJsonBytes(kv, revision));
  else if (options.raw) out.raw.push(objectJson(kv, revision));
  else out.items.push(obj as Stored);
  out.count++;
  return true;
}

/** The ListResult of a page: the items in the form asked for, the continue token, remaining items. */
export function listResult(
  options: ListForm,
  page: { out: ListOutput; revision: number; more: boolean; nextKey?: Uint8Array; remaining?: number },
  prefix: Uint8Array,
): ListResult {
  const { out, revision, more, nextKey, remaining } = page;
  const result: ListResult = { items: out.items, resourceVersion: String(revision) };
  if (options.raw && !options.bytes) result.raw = out.raw;
  if (options.bytes) result.bytes = out.bytes;
  if (options.kvs) result.kvs = out.kvs;
  if (more && nextKey) {
    result.continue = encodeContinue(revision, text(nextKey), text(prefix));
    if (remaining !== undefined && remaining > 0) result.remainingItemCount = remaining;
  }
  return result;
}
