// One parsed, deeply frozen object per stored key-value, shared by every reader that only reads
// (Store.lookup, the lister-style read admission uses): each version is parsed once.
import type { KeyValue } from "../../../storage/kv.ts";
import { decodeObject, type Stored } from "./object.ts";

const parsed = new WeakMap<KeyValue, Stored>();

/** The object stored in `kv`, parsed once per key-value and frozen: a write to it throws. */
export function frozenObjectOf(kv: KeyValue): Stored {
  let obj = parsed.get(kv);
  if (!obj) {
    obj = deepFreeze(decodeObject(kv));
    parsed.set(kv, obj);
  }
  return obj;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
