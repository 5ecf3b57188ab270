// POST of a new object (wire spec §8): decode, check the kind and the URL's namespace, then the
// registry's create (system fields, defaults, validation, admission, create-if-absent).
import { StatusError } from "../../../lib/errors/status-error.ts";
import type { ResourceRequest } from "../api-context.ts";
import { mediaType, readBody } from "../http/body.ts";
import { json } from "../http/respond.ts";
import { encodingOf, servedJson } from "../registry/encoded-object.ts";
import { servedApiVersion } from "../registry/prepare-write.ts";
import { createResource } from "../registry/resource-store.ts";
import { decodeBodyFor } from "./decode-error.ts";
import { checkFields } from "./field-validation.ts";
import { present } from "./read.ts";
import { checkKind, writeOptions } from "./write.ts";

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
  // The stored encoding's parts make the response without a second stringify of the object.
  const encoded = entry.codec ? undefined : encodingOf(created);
  const text =
    encoded &&
    servedJson(encoded, servedApiVersion(entry), entry.info.kind, Number(created.metadata.resourceVersion));
  if (text !== undefined)
    return new Response(`${text}\n`, { status: 201, headers: { "Content-Type": "application/json" } });
  return json(present(entry, created), 201);
}
