// POST of a new object (wire spec §8): decode, check kind and namespace, system fields and
// defaults, validation, admission (namespace lifecycle, allocations), then create-if-absent.
import { StatusError } from "../../../lib/errors/status-error.ts";
import type { ApiContext, ResourceRequest } from "../api-context.ts";
import { decodeObjectBody, mediaType, readBody } from "../http/body.ts";
import { json } from "../http/respond.ts";
import type { KObject, Stored } from "../registry/object.ts";
import type { Entry } from "../registry/registry.ts";
import { checkFields } from "./field-validation.ts";
import { present } from "./read.ts";
import { checkKind, prepareCreate, settleNamespace, type WriteOptions, writeOptions } from "./write.ts";

export async function createObject(r: ResourceRequest): Promise<Response> {
  const { entry, info, ctx } = r;
  const body = decodeObjectBody(await readBody(r.req), mediaType(r.req), ctx.protobuf);
  checkFields(r, body);
  const obj = checkKind(entry, body);
  if (entry.info.namespaced && !info.namespace) {
    throw StatusError.badRequest(
      `the server could not find the requested resource: ${entry.info.plural} are namespaced; use /namespaces/<namespace>/${entry.info.plural}`,
    );
  }
  const created = await createStored(ctx, entry, info.namespace, obj, writeOptions(r.req, r.url));
  return json(present(entry, created), 201);
}

/** Create `obj` in `namespace` through every create step; returns what was (or would be) stored. */
export async function createStored(
  ctx: ApiContext,
  entry: Entry,
  namespace: string,
  obj: KObject,
  opts: WriteOptions,
): Promise<Stored> {
  settleNamespace(entry, obj, namespace);
  prepareCreate(ctx, entry, obj, opts);
  await ctx.admission.create(entry, obj, opts);
  const name = obj.metadata?.name as string;
  if (opts.dryRun) {
    if (await entry.store.current(namespace, name))
      throw StatusError.alreadyExists(entry.store.qualified, name);
    return obj as Stored;
  }
  try {
    return await entry.store.create(namespace, name, obj);
  } catch (err) {
    await ctx.admission.deleted(entry, obj as Stored);
    throw err;
  }
}
