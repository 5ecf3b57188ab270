// Subresources that are views of their parent, over HTTP: /scale (autoscaling/v1 Scale, wire
// spec §13; registry/scale.ts) and pod binding (`POST pods/<name>/binding` and the top-level
// `bindings` resource, §8; registry/bind-pod.ts), plus routing the node agent's subresources.
import { StatusError, successStatus } from "../../../lib/errors/status-error.ts";
import type { ResourceRequest } from "../api-context.ts";
import { decodeObjectBody, mediaType, parseJson, readBody } from "../http/body.ts";
import { json } from "../http/respond.ts";
import { applyJsonPatch } from "../patch/json-patch.ts";
import { applyMergePatch } from "../patch/merge-patch.ts";
import { PatchError } from "../patch/patch-error.ts";
import { type Binding, bindPod as bind } from "../registry/bind-pod.ts";
import { type Scale, scaleOf, updateScale } from "../registry/scale.ts";
import { evictPod } from "./eviction.ts";
import { checkFields, checkPatched, SCALE } from "./field-validation.ts";
import { kubeletSubresource } from "./kubelet-proxy.ts";
import { patchStatus } from "./update.ts";
import { writeOptions } from "./write.ts";

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
    throw StatusError.unsupportedMediaType([
      "application/json-patch+json",
      "application/merge-patch+json",
      "application/strategic-merge-patch+json",
    ]);
  }
  // Options are checked before the body is decoded (Update/PatchOptions, as upstream's).
  const opts = { ...writeOptions(r.req, r.url, "scale", isPatch ? type : undefined), warnings: r.warnings };
  // A JSON patch is a list of operations; every other body is an object (a Scale or a patch of one).
  const body =
    type === "application/json-patch+json"
      ? parseJson(raw)
      : decodeObjectBody(raw, isPatch ? "application/json" : type);
  if (!isPatch) checkFields(r, body as Record<string, unknown>, SCALE);
  const scale = await updateScale(ctx, entry, info.namespace, info.name, opts, (current) => {
    let next: unknown;
    try {
      next = !isPatch
        ? body
        : type === "application/json-patch+json"
          ? applyJsonPatch(current, body)
          : applyMergePatch(current, body);
    } catch (err) {
      if (err instanceof PatchError) throw patchStatus(err);
      throw err;
    }
    if (next === null || typeof next !== "object" || Array.isArray(next))
      throw StatusError.badRequest("the patch must leave an object");
    if (isPatch) checkPatched(r, type, next as Record<string, unknown>, body, SCALE);
    return next as Scale;
  });
  return json(scale);
}

/**
 * Bind a pod to a node: set spec.nodeName once, with a PodScheduled condition (admission and
 * dry run as any create). The Binding names the pod; under pods/<name>/binding it must be <name>.
 */
export async function bindPod(r: ResourceRequest, podName?: string): Promise<Response> {
  const { ctx, info } = r;
  const raw = await readBody(r.req);
  const { dryRun, user } = writeOptions(r.req, r.url, "binding");
  const body = decodeObjectBody(raw, mediaType(r.req), ctx.protobuf) as Binding;
  const bodyName = body.metadata?.name ?? "";
  if (podName !== undefined && bodyName !== podName)
    throw StatusError.badRequest("name in URL does not match name in Binding object");
  if (!bodyName) throw StatusError.badRequest("a Binding needs metadata.name, the name of the pod to bind");
  const bodyNamespace = body.metadata?.namespace;
  if (bodyNamespace && bodyNamespace !== info.namespace)
    throw StatusError.badRequest(
      "the namespace of the provided object does not match the namespace sent on the request",
    );
  await bind(ctx, ctx.registry, info.namespace, bodyName, body, { dryRun, ...(user ? { user } : {}) });
  return json(successStatus(201), 201);
}

const KUBELET_SERVED = new Set(["log", "exec", "attach", "portforward", "proxy"]);

/** Subresources around the node agent: proxied to the kubelet, or eviction. */
export function nodeAgentOnly(r: ResourceRequest): Promise<Response> {
  if (KUBELET_SERVED.has(r.info.subresource)) return kubeletSubresource(r);
  if (r.info.subresource === "eviction" && r.req.method === "POST") return evictPod(r);
  throw StatusError.of(
    503,
    "ServiceUnavailable",
    `${r.info.resource}/${r.info.subresource} is not served yet`,
  );
}
