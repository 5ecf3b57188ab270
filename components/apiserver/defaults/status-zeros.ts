// The status fields Go always serializes (non-omitempty zero values), filled in on create
// for the workload kinds and PodDisruptionBudgets (e.g. ReplicaSetStatus.replicas).
import { ensure, type JsonObject } from "../validation/json.ts";

/** Put the zero values Go always serializes into a status (e.g. ReplicaSetStatus.replicas). */
export function statusZeros(obj: JsonObject, fields: string[]): void {
  const status = ensure(obj, "status");
  if (!status) return;
  for (const f of fields) if (status[f] === undefined || status[f] === null) status[f] = 0;
}
