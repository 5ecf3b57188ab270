// Discovery's storageVersionHash: base64 of the first 8 bytes of sha256("<group>/<version>/<kind>")
// of the version a resource is stored in, for resources kept in storage (not reviews, bindings
// or component statuses). Upstream: apiserver pkg/endpoints/discovery/storageversionhash.go.
import { createHash } from "node:crypto";
import type { ResourceInfo } from "../../lib/api/resources.ts";

/** upstream's discovery.StorageVersionHash(group, version, kind). */
export function storageVersionHash(group: string, version: string, kind: string): string {
  if (!kind) return "";
  return createHash("sha256")
    .update(`${group}/${version}/${kind}`)
    .digest()
    .subarray(0, 8)
    .toString("base64");
}

/**
 * The hash discovery shows for `r`, or undefined for a resource with no storage of its own.
 * Resources sharing a key prefix are stored as the first served one (events.k8s.io Events are
 * core v1 Events, upstream's cohabiting resources); `storageVersion` names another version.
 */
export function resourceStorageVersionHash(
  r: ResourceInfo,
  all: readonly ResourceInfo[],
): string | undefined {
  if (!r.verbs.includes("watch")) return undefined;
  const first = all.find((o) => o.storagePrefix === r.storagePrefix && o.verbs.includes("watch"));
  const stored = first && first.group !== r.group ? first : r;
  return storageVersionHash(stored.group, stored.storageVersion ?? stored.version, stored.kind);
}
