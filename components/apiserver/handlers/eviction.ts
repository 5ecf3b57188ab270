// The pods/eviction subresource over HTTP: decode the Eviction, check its name against the URL,
// admit it as a create of pods/eviction, evict through the registry (registry/evict-pod.ts:
// budgets, then the delete), answer 201.
import { StatusError, successStatus } from "../../../lib/errors/status-error.ts";
import type { ResourceRequest } from "../api-context.ts";
import { decodeObjectBody, mediaType, readBody } from "../http/body.ts";
import { json } from "../http/respond.ts";
import { evictPod as evict } from "../registry/evict-pod.ts";
import type { DeleteOptions } from "../registry/resource-store.ts";

export async function evictPod(r: ResourceRequest): Promise<Response> {
  const { ctx, info } = r;
  const body = decodeObjectBody(await readBody(r.req), mediaType(r.req), ctx.protobuf);
  const name = (body.metadata as { name?: string } | undefined)?.name ?? info.name;
  if (name !== info.name)
    throw StatusError.badRequest(
      `name in URL does not match name in Eviction object: ${info.name} != ${name}`,
    );
  const options = (body.deleteOptions ?? {}) as DeleteOptions;
  // Admission sees a create of pods/eviction (NamespaceLifecycle refuses it in a terminating
  // namespace with the cause kubectl drain tolerates), as upstream's create handler runs it.
  const eviction = {
    ...body,
    metadata: { ...(body.metadata as object), name: info.name, namespace: info.namespace },
  };
  await ctx.admission.create(r.entry, eviction, {
    dryRun: (options.dryRun ?? []).length > 0,
    subresource: "eviction",
    ...(r.user ? { user: r.user } : {}),
  });
  await evict(ctx, ctx.registry, r.entry, info.namespace, info.name, options);
  return json(successStatus(201), 201);
}
