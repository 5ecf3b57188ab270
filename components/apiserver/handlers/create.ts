// POST of a new object (wire spec §8): decode, check the kind and the URL's namespace, then the
// registry's create (system fields, defaults, validation, admission, create-if-absent).
import { StatusError } from "../../../lib/errors/status-error.ts";
import type { ResourceRequest } from "../api-context.ts";
import { mediaType, readBody } from "../http/body.ts";
import { createResource } from "../registry/resource-store.ts";
import { decodeBodyFor } from "./decode-error.ts";
import { checkFields } from "./field-validation.ts";
import { checkKind, writeOptions, writtenResponse } from "./write.ts";

export async function createObject(r: ResourceRequest): Promise<Response> {
  const { entry, info, ctx } = r;
  const raw = await readBody(r.req);
  // Options are checked before the body is decoded, as upstream's create handler does.
  const opts = { ...writeOptions(r.req, r.url), warnings: r.warnings };
  const body = decodeBodyFor(entry, raw, mediaType(r.req), ctx.protobuf);
  checkFields(r, body);
  const obj = checkKind(entry, body);
  if (entry.info.namespaced && !info.namespace) {
    throw StatusError.badRequest(
      `the server could not find the requested resource: ${entry.info.plural} are namespaced; use /namespaces/<namespace>/${entry.info.plural}`,
    );
  }
  const created = await createResource(ctx, entry, info.namespace, obj, opts);
  return writtenResponse(entry, created, 201);
}
