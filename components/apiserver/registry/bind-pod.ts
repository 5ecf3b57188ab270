// Binding a pod to a node (`pods/<name>/binding` and the top-level `bindings` resource, wire
// spec §8): admission sees a create of pods/binding, then spec.nodeName is set once, with the
// Binding's annotations and a PodScheduled condition, under its uid/resourceVersion
// preconditions; a dry run stops before the write. Upstream: pkg/registry/core/pod/storage/
// storage.go BindingREST (Create, assignPod, setPodNodeAndMetadata).
import { StatusError } from "../../../lib/errors/status-error.ts";
import type { UserInfo } from "../authn/user-info.ts";
import { copyJson, type KObject, meta, rfc3339, type Stored } from "./object.ts";
import type { Registry } from "./registry.ts";
import type { WriteContext } from "./write-context.ts";

/** The parts of a Binding (core/v1) the server reads. */
export interface Binding {
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    annotations?: Record<string, string>;
  };
  target?: { kind?: string; name?: string };
}

/** Bind pod `name` in `namespace` to the Binding's target (a Node). */
export async function bindPod(
  ctx: WriteContext,
  registry: Registry,
  namespace: string,
  name: string,
  binding: Binding,
  opts: { dryRun: boolean; user?: UserInfo } = { dryRun: false },
): Promise<void> {
  const target = binding.target;
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
  // Admission sees a create of pods/binding whose object is the Binding (NamespaceLifecycle
  // refuses it in a terminating namespace, NodeRestriction refuses it from a node).
  const admitted = {
    ...copyJson(binding),
    metadata: { ...binding.metadata, name, namespace },
  } as KObject;
  await ctx.admission.create(pods, admitted, {
    dryRun: opts.dryRun,
    subresource: "binding",
    ...(opts.user ? { user: opts.user } : {}),
  });
  const qualified = { group: "", resource: "pods/binding" };
  const dryRun = new Error("binding dry run");
  try {
    await pods.store.update(
      namespace,
      name,
      (cur) => {
        if (!cur) throw StatusError.notFound(pods.store.qualified, name);
        checkPreconditions(new TextDecoder().decode(pods.store.key(namespace, name)), name, cur, binding);
        if (cur.metadata.deletionTimestamp)
          throw StatusError.conflict(
            qualified,
            name,
            `pod ${name} is being deleted, cannot be assigned to a host`,
          );
        const spec = (cur.spec ?? {}) as { nodeName?: string; schedulingGates?: unknown[] };
        if (spec.nodeName)
          throw StatusError.conflict(
            qualified,
            name,
            `pod ${name} is already assigned to node "${spec.nodeName}"`,
          );
        if ((spec.schedulingGates ?? []).length > 0)
          throw StatusError.conflict(qualified, name, `pod ${name} has non-empty .spec.schedulingGates`);
        spec.nodeName = target.name;
        cur.spec = spec;
        const m = meta(cur);
        const annotations = binding.metadata?.annotations ?? {};
        if (Object.keys(annotations).length > 0) m.annotations = { ...m.annotations, ...annotations };
        setScheduled(cur, ctx.now());
        if (opts.dryRun) throw dryRun;
        return cur;
      },
      { pinned: false },
    );
  } catch (err) {
    if (err !== dryRun) throw err;
  }
}

/** upstream's UpdatePodCondition for PodScheduled=True. */
function setScheduled(pod: Stored, now: Date): void {
  const status = (pod.status ?? {}) as {
    conditions?: { type: string; status: string; lastProbeTime?: null; lastTransitionTime?: string }[];
  };
  const conditions = (status.conditions ?? []).filter((c) => c.type !== "PodScheduled");
  conditions.push({
    type: "PodScheduled",
    status: "True",
    lastProbeTime: null,
    lastTransitionTime: rfc3339(now),
  });
  status.conditions = conditions;
  pod.status = status;
}

/**
 * The Binding's uid and resourceVersion must be the pod's (a stale binding must not land on a
 * pod recreated under the same name). Upstream's storage precondition error, interpreted as a
 * Conflict on pods, says so in storage's words.
 */
function checkPreconditions(key: string, name: string, cur: Stored, binding: Binding): void {
  const uid = binding.metadata?.uid;
  const rv = binding.metadata?.resourceVersion;
  let failed: string | undefined;
  if (uid && uid !== cur.metadata.uid)
    failed = `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${cur.metadata.uid ?? ""}`;
  else if (rv && rv !== cur.metadata.resourceVersion)
    failed = `Precondition failed: ResourceVersion in precondition: ${rv}, ResourceVersion in object meta: ${cur.metadata.resourceVersion ?? ""}`;
  if (failed === undefined) return;
  throw StatusError.conflict(
    { group: "", resource: "pods" },
    name,
    `StorageError: invalid object, Code: 4, Key: ${key}, ResourceVersion: 0, AdditionalErrorMsg: ${failed}`,
  );
}
