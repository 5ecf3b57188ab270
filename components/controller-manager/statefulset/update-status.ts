// Writing a workload's status subresource as upstream controllers do: only when it changed,
// PUT to `<path>/status` with the cached resourceVersion, and on a conflict once more over a
// fresh GET (upstream's updateStatus retry loops).

import type { ApiClient } from "../../../lib/client/api-client.ts";
import { isStatus } from "../../../lib/client/api-client.ts";
import { canonicalJson } from "./controller-history.ts";

export interface WithStatus<S> {
  metadata?: { resourceVersion?: string };
  status?: S;
}

/**
 * Writes `status` on the object at `path` unless it already has it; returns the stored object.
 * `retryOnConflict: false` rethrows a conflict instead, for a status computed from the cached
 * object's own status (the CronJob's lastScheduleTime): the sync must recompute it from fresh data.
 */
export async function updateStatus<S, T extends WithStatus<S>>(
  client: ApiClient,
  path: string,
  object: T,
  status: S,
  options: { retryOnConflict?: boolean } = {},
): Promise<T> {
  if (canonicalJson(object.status ?? {}) === canonicalJson(status)) return object;
  try {
    return await client.update<T>(`${path}/status`, { ...object, status });
  } catch (error) {
    if (!isStatus(error, 409) || options.retryOnConflict === false) throw error;
    const fresh = await client.get<T>(path);
    return client.update<T>(`${path}/status`, { ...fresh, status });
  }
}
