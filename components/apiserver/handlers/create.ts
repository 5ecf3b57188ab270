// POST of a new object (wire spec §8): decode, check the kind and the URL's namespace, then the
// registry's create (system fields, defaults, validation, admission, create-if-absent).
import { StatusError } from "../../../lib/errors/status-error.ts";
import type { ResourceRequest } from "../api-context.ts";
import { decodeObjectBody, mediaType, readBody } from "../http/body.ts";
import { json } from "../http/respond.ts";
import { createResource } from "../registry/resource-store.ts";
import { kindMismatch, unrecognizedBody } from "./decode-error.ts";
import { checkFields } from "./field-validation.ts";
import { present } from "./read.ts";
import { checkKind, writeOptions } from "./write.ts";

export async function createObject(r: ResourceRequest): Promise<Response> {
  const { entry, info, ctx } = r;
  const raw = await readBody(r.req);
  const type = mediaType(r.req);
  // A JSON body whose kind cannot be read is upstream's "object provided is unrecognized".
  const unrecognized = type === "" || type === "application/json";
  let body: Record<string, unknown>;
  try {
    body = decodeObjectBody(raw, type, ctx.protobuf);
  } catch (err) {
    throw (unrecognized && unrecognizedBody(entry.info.kind, raw)) || err;
  }
  const typeMeta = [body.kind, body.apiVersion];
  if (unrecognized && typeMeta.some((v) => v !== undefined && v !== null && typeof v !== "string")) {
    const error = unrecognizedBody(entry.info.kind, raw);
    if (error) throw error;
  }
  const mismatch = kindMismatch(entry, body);
  if (mismatch) throw mismatch;
  checkFields(r, body);
  const obj = checkKind(entry, body);
  if (entry.info.namespaced && !info.namespace) {
    throw StatusError.badRequest(
      `the server could not find the requested resource: ${entry.info.plural} are namespaced; use /namespaces/<namespace>/${entry.info.plural}`,
    );
  }
  const created = await createResource(ctx, entry, info.namespace, obj, {
    ...writeOptions(r.req, r.url),
    warnings: r.warnings,
  });
  return json(present(entry, created), 201);
}
