// componentstatuses (`kubectl get cs`, seed 001): computed on each read, never stored. etcd is
// healthy when storage answers; the scheduler and controller-manager when their leader-election
// Lease in kube-system was renewed within its duration, which is how kube's components report
// liveness (upstream probed their /healthz ports; pkg/registry/core/componentstatus).
import { StatusError } from "../../../lib/errors/status-error.ts";
import type { ResourceRequest } from "../api-context.ts";
import { json } from "../http/respond.ts";
import type { KObject } from "../registry/object.ts";
import { partialMetadata } from "./read.ts";

interface Condition {
  type: "Healthy";
  status: "True" | "False";
  message?: string;
  error?: string;
}

async function leaseHealth(r: ResourceRequest, name: string): Promise<Condition> {
  const leases = r.ctx.registry.lookup("coordination.k8s.io", "v1", "leases");
  const found = leases ? await leases.store.current("kube-system", name) : undefined;
  const spec = (found?.obj.spec ?? {}) as {
    renewTime?: string;
    leaseDurationSeconds?: number;
    holderIdentity?: string;
  };
  if (!spec.renewTime) {
    return {
      type: "Healthy",
      status: "False",
      error: `no ${name} has taken its leader lease kube-system/${name}: is it running?`,
    };
  }
  const age = (r.ctx.now().getTime() - new Date(spec.renewTime).getTime()) / 1000;
  const limit = spec.leaseDurationSeconds ?? 15;
  if (age > limit) {
    return {
      type: "Healthy",
      status: "False",
      error: `leader ${spec.holderIdentity ?? "?"} last renewed its lease ${Math.round(age)}s ago (limit ${limit}s)`,
    };
  }
  return { type: "Healthy", status: "True", message: "ok" };
}

async function statuses(r: ResourceRequest): Promise<KObject[]> {
  let etcd: Condition;
  try {
    await r.entry.store.kv.status();
    etcd = { type: "Healthy", status: "True", message: "ok" };
  } catch (err) {
    etcd = { type: "Healthy", status: "False", error: (err as Error).message };
  }
  const items: [string, Condition][] = [
    ["controller-manager", await leaseHealth(r, "kube-controller-manager")],
    ["etcd-0", etcd],
    ["scheduler", await leaseHealth(r, "kube-scheduler")],
  ];
  return items.map(([name, condition]) => ({
    kind: "ComponentStatus",
    apiVersion: "v1",
    metadata: { name, creationTimestamp: null as unknown as undefined },
    conditions: [condition],
  }));
}

export async function componentStatuses(r: ResourceRequest): Promise<Response> {
  r.warnings.push("v1 ComponentStatus is deprecated in v1.19+");
  const all = await statuses(r);
  const { info, wanted, ctx } = r;
  const objects = info.name ? all.filter((o) => o.metadata?.name === info.name) : all;
  if (info.name && objects.length === 0) throw StatusError.notFound(r.entry.store.qualified, info.name);
  if (wanted.table) {
    return json(
      ctx.toTable({ entry: r.entry, objects, wanted, includeObject: "Metadata", noHeaders: false }),
    );
  }
  if (wanted.partial) return json(partialMetadata(objects[0] as KObject, wanted.tableVersion));
  return json(
    info.name ? objects[0] : { kind: "ComponentStatusList", apiVersion: "v1", metadata: {}, items: objects },
  );
}
