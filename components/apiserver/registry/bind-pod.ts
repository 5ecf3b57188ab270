// Binding a pod to a node (`pods/<name>/binding` and the top-level `bindings` resource, wire
// spec §8): spec.nodeName is set once, with a PodScheduled condition. Upstream:
// pkg/registry/core/pod/storage/storage.go BindingREST (assignPod, setPodHostAndAnnotations).
import { StatusError } from "../../../lib/errors/status-error.ts";
import { meta, rfc3339 } from "./object.ts";
import type { Registry } from "./registry.ts";

/** Bind pod `name` in `namespace` to `target` (the Binding's target: a Node). */
export async function bindPod(
  ctx: { now(): Date },
  registry: Registry,
  namespace: string,
  name: string,
  target: { kind?: string; name?: string } | undefined,
): Promise<void> {
  if (!target?.name) {
    throw StatusError.invalid({ group: "", kind: "Binding" }, name, [
      { reason: "FieldValueRequired", field: "target.name", message: "Required value" },
    ]);
  }
  if (target.kind && target.kind !== "Node") {
    throw StatusError.invalid({ group: "", kind: "Binding" }, name, [
      {
        reason: "FieldValueNotSupported",
        field: "target.kind",
        message: `Unsupported value: "${target.kind}": supported values: "Node"`,
      },
    ]);
  }
  const pods = registry.lookup("", "v1", "pods");
  if (!pods) throw StatusError.notFoundPath();
  const qualified = { group: "", resource: "pods/binding" };
  await pods.store.update(
    namespace,
    name,
    (cur) => {
      if (!cur) throw StatusError.notFound(pods.store.qualified, name);
      if (cur.metadata.deletionTimestamp)
        throw StatusError.conflict(
          qualified,
          name,
          `pod ${name} is being deleted, cannot be assigned to a host`,
        );
      const spec = (cur.spec ?? {}) as { nodeName?: string };
      if (spec.nodeName)
        throw StatusError.conflict(
          qualified,
          name,
          `pod ${name} is already assigned to node "${spec.nodeName}"`,
        );
      spec.nodeName = target.name;
      cur.spec = spec;
      const status = (cur.status ?? {}) as {
        conditions?: { type: string; status: string; lastProbeTime?: null; lastTransitionTime?: string }[];
      };
      const conditions = (status.conditions ?? []).filter((c) => c.type !== "PodScheduled");
      conditions.push({
        type: "PodScheduled",
        status: "True",
        lastProbeTime: null,
        lastTransitionTime: rfc3339(ctx.now()),
      });
      status.conditions = conditions;
      cur.status = status;
      meta(cur);
      return cur;
    },
    { pinned: false },
  );
}
