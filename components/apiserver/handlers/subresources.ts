// Subresources that are views of their parent: /scale (autoscaling/v1 Scale, wire spec §13)
// and pod binding (`POST pods/<name>/binding` and the top-level `bindings` resource, §8).
// Upstream: pkg/registry/apps/deployment/storage/storage.go ScaleREST and
// pkg/registry/core/pod/storage/storage.go BindingREST.
import { StatusError, successStatus } from "../../../lib/errors/status-error.ts";
import { fromLabelSelector, type LabelSelector, selectorString } from "../../../lib/labels/selector.ts";
import type { ResourceRequest } from "../api-context.ts";
import { decodeObjectBody, mediaType, readBody } from "../http/body.ts";
import { json } from "../http/respond.ts";
import { applyJsonPatch } from "../patch/json-patch.ts";
import { applyMergePatch } from "../patch/merge-patch.ts";
import { PatchError } from "../patch/patch-error.ts";
import { type KObject, meta, rfc3339, type Stored } from "../registry/object.ts";
import { prepareUpdate } from "../registry/prepare-write.ts";
import type { ScalePaths } from "../registry/registry.ts";
import { evictPod } from "./eviction.ts";
import { kubeletSubresource } from "./kubelet-proxy.ts";
import { patchStatus } from "./update.ts";
import { writeOptions } from "./write.ts";

interface Scale {
  kind: "Scale";
  apiVersion: "autoscaling/v1";
  metadata: Record<string, unknown>;
  spec: { replicas?: number };
  status: { replicas: number; selector?: string };
}

const BUILTIN_SCALE: ScalePaths = {
  specReplicasPath: ".spec.replicas",
  statusReplicasPath: ".status.replicas",
};

function getPath(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const part of path.split(".").filter(Boolean)) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split(".").filter(Boolean);
  let cur = obj;
  for (const part of parts.slice(0, -1)) {
    if (cur[part] === null || typeof cur[part] !== "object") cur[part] = {};
    cur = cur[part] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1] as string] = value;
}

function scaleOf(obj: Stored, paths: ScalePaths | undefined): Scale {
  const p = paths ?? BUILTIN_SCALE;
  let selector: string | undefined;
  if (paths) {
    const s = paths.labelSelectorPath ? getPath(obj, paths.labelSelectorPath) : undefined;
    selector = typeof s === "string" ? s : undefined;
  } else if (obj.kind === "ReplicationController") {
    const map = (getPath(obj, ".spec.selector") ?? {}) as Record<string, string>;
    selector = Object.keys(map)
      .sort()
      .map((k) => `${k}=${map[k]}`)
      .join(",");
  } else {
    const s = fromLabelSelector(getPath(obj, ".spec.selector") as LabelSelector | undefined);
    selector = s ? selectorString(s) : undefined;
  }
  const m = obj.metadata;
  const specReplicas = getPath(obj, p.specReplicasPath);
  const statusReplicas = getPath(obj, p.statusReplicasPath);
  const replicas = typeof statusReplicas === "number" ? statusReplicas : 0;
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: {
      name: m.name,
      namespace: m.namespace,
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      creationTimestamp: m.creationTimestamp,
    },
    spec: { replicas: typeof specReplicas === "number" ? specReplicas : 0 },
    status: selector === undefined ? { replicas } : { replicas, selector },
  };
}

export async function getScale(r: ResourceRequest): Promise<Response> {
  return json(scaleOf(await r.entry.store.get(r.info.namespace, r.info.name), r.entry.scale));
}

/** PUT or PATCH of /scale: the new replicas go into the parent's spec (bumping its generation). */
export async function writeScale(r: ResourceRequest): Promise<Response> {
  const { entry, info, ctx } = r;
  const type = mediaType(r.req);
  const raw = await readBody(r.req);
  const isPatch = r.req.method === "PATCH";
  if (
    isPatch &&
    type !== "application/merge-patch+json" &&
    type !== "application/json-patch+json" &&
    type !== "application/strategic-merge-patch+json"
  ) {
    throw StatusError.unsupportedMediaType(type, [
      "application/json-patch+json",
      "application/merge-patch+json",
      "application/strategic-merge-patch+json",
    ]);
  }
  const body = decodeObjectBody(raw, isPatch ? "application/json" : type);
  const opts = writeOptions(r.req, r.url, "scale");
  const { obj } = await entry.store.update(
    info.namespace,
    info.name,
    (cur) => {
      if (!cur) throw StatusError.notFound(entry.store.qualified, info.name);
      const current = scaleOf(cur, entry.scale);
      let next: Scale;
      try {
        next = (
          !isPatch
            ? body
            : type === "application/json-patch+json"
              ? applyJsonPatch(current, body)
              : applyMergePatch(current, body)
        ) as Scale;
      } catch (err) {
        if (err instanceof PatchError) throw patchStatus(err);
        throw err;
      }
      const rv = next.metadata?.resourceVersion;
      if (rv !== undefined && rv !== "" && rv !== cur.metadata.resourceVersion)
        throw StatusError.modified(entry.store.qualified, info.name);
      const replicas = next.spec?.replicas;
      if (typeof replicas !== "number" || !Number.isInteger(replicas) || replicas < 0) {
        throw StatusError.invalid({ group: "autoscaling", kind: "Scale" }, info.name, [
          {
            reason: "FieldValueInvalid",
            field: "spec.replicas",
            message: `Invalid value: ${JSON.stringify(replicas ?? null)}: must be greater than or equal to 0`,
          },
        ]);
      }
      const parent = structuredClone(cur) as KObject;
      setPath(parent, (entry.scale ?? BUILTIN_SCALE).specReplicasPath, replicas);
      return prepareUpdate(ctx, entry, parent, cur, { ...opts, subresource: "" });
    },
    { pinned: false },
  );
  return json(scaleOf(obj, entry.scale));
}

/** Bind a pod to a node: set spec.nodeName once, with a PodScheduled condition. */
export async function bindPod(r: ResourceRequest, podName?: string): Promise<Response> {
  const { ctx, info } = r;
  const body = decodeObjectBody(await readBody(r.req), mediaType(r.req), ctx.protobuf);
  const name = podName ?? (body.metadata as { name?: string } | undefined)?.name ?? "";
  const target = body.target as { kind?: string; name?: string } | undefined;
  if (!name) throw StatusError.badRequest("a Binding needs metadata.name, the name of the pod to bind");
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
  const pods = ctx.registry.lookup("", "v1", "pods");
  if (!pods) throw StatusError.notFoundPath();
  const qualified = { group: "", resource: "pods/binding" };
  await pods.store.update(
    info.namespace,
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
  return json(successStatus(201), 201);
}

const KUBELET_SERVED = new Set(["log", "exec", "attach", "portforward", "proxy"]);

/** Subresources around the node agent: proxied to the kubelet, eviction, or (ephemeral containers) not yet. */
export function nodeAgentOnly(r: ResourceRequest): Promise<Response> {
  if (KUBELET_SERVED.has(r.info.subresource)) return kubeletSubresource(r);
  if (r.info.subresource === "eviction" && r.req.method === "POST") return evictPod(r);
  throw StatusError.of(
    503,
    "ServiceUnavailable",
    `${r.info.resource}/${r.info.subresource} is not served yet`,
  );
}
