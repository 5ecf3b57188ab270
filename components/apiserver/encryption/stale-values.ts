// Values read with a provider or key other than the first (a rotation in progress): the store's
// update must write them back even when the object did not change, as upstream's
// GuaranteedUpdate does for a stale read (k8s.io/apiserver pkg/storage/etcd3/store.go).
import type { KeyValue } from "../../../storage/kv.ts";

const stale = new WeakSet<KeyValue>();

export function markStale(kv: KeyValue): void {
  stale.add(kv);
}

/** True when `kv` came from the encryption wrapper and is stored under an old provider or key. */
export function isStale(kv: KeyValue): boolean {
  return stale.has(kv);
}
