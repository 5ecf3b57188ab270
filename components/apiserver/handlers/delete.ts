// DELETE of one object or a collection (wire spec §15): DeleteOptions from the body or the
// query, checked as upstream does, then the registry's delete (preconditions, graceful deletion,
// finalizers, propagation policies; registry/resource-store.ts) for each object. The answer is
// the object or a Success Status, as upstream's finalizeDelete (registry/finalize-delete.ts).
import { goQuote } from "../../../lib/errors/go-quote.ts";
import { type StatusCause, StatusError } from "../../../lib/errors/status-error.ts";
import type { ResourceRequest } from "../api-context.ts";
import { mediaType, parseJson, readBody } from "../http/body.ts";
import { queryBool } from "../http/query-bool.ts";
import { json } from "../http/respond.ts";
import { finalizeDelete } from "../registry/finalize-delete.ts";
import { type DeleteOptions, deleteCollectionResource, deleteResource } from "../registry/resource-store.ts";
import { listQuery } from "./list-query.ts";
import { dryRunCauses, optionsInvalid } from "./options-invalid.ts";
import { present } from "./read.ts";
import { selectionScope } from "./selection.ts";

async function deleteOptions(r: ResourceRequest): Promise<DeleteOptions> {
  const raw = await readBody(r.req);
  let opts: DeleteOptions = {};
  if (raw.length > 0) {
    const type = mediaType(r.req);
    if (type !== "" && type !== "application/json") {
      throw StatusError.unsupportedMediaType(["application/json"]);
    }
    const parsed = parseJson(raw);
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw StatusError.badRequest("DeleteOptions must be a JSON object");
    }
    opts = parsed as DeleteOptions;
  }
  const q = r.url.searchParams;
  if (q.has("gracePeriodSeconds")) opts.gracePeriodSeconds = Number(q.get("gracePeriodSeconds"));
  if (q.has("propagationPolicy")) opts.propagationPolicy = q.get("propagationPolicy") ?? undefined;
  if (q.has("orphanDependents")) opts.orphanDependents = queryBool(q, "orphanDependents");
  if (q.getAll("dryRun").length > 0) opts.dryRun = q.getAll("dryRun");
  const g = opts.gracePeriodSeconds;
  if (g !== undefined && (!Number.isInteger(g) || g < 0)) {
    throw StatusError.badRequest(`invalid gracePeriodSeconds ${String(g)}: must be a non-negative integer`);
  }
  if (opts.dryRun !== undefined && !Array.isArray(opts.dryRun))
    throw StatusError.badRequest(
      `json: cannot unmarshal ${typeof opts.dryRun === "string" ? "string" : "value"} into Go struct field DeleteOptions.dryRun of type []string`,
    );
  // upstream's ValidateDeleteOptions: a 422 naming DeleteOptions.
  const causes: StatusCause[] = [];
  const p = opts.propagationPolicy;
  if (p !== undefined && opts.orphanDependents !== undefined)
    causes.push({
      reason: "FieldValueInvalid",
      message: `Invalid value: ${goQuote(p)}: orphanDependents and deletionPropagation cannot be both set`,
      field: "propagationPolicy",
    });
  if (p !== undefined && !["Background", "Foreground", "Orphan"].includes(p))
    causes.push({
      reason: "FieldValueNotSupported",
      message: `Unsupported value: ${goQuote(p)}: supported values: "Foreground", "Background", "Orphan", "nil"`,
      field: "propagationPolicy",
    });
  causes.push(...dryRunCauses(opts.dryRun ?? []));
  if (causes.length > 0) throw optionsInvalid("DeleteOptions", causes);
  return opts;
}

export async function deleteObject(r: ResourceRequest): Promise<Response> {
  const opts = await deleteOptions(r);
  const attrs = { dryRun: (opts.dryRun ?? []).length > 0, subresource: "", user: r.user };
  const result = await deleteResource(r.ctx, r.entry, r.info.namespace, r.info.name, opts, attrs);
  // 202 when the object stays and the client asked for cascading deletion (upstream's DeleteResource).
  const code = !result.deleted && opts.orphanDependents === false ? 202 : 200;
  const answer = finalizeDelete(r.entry.info, result);
  return json("status" in answer ? answer.status : present(r.entry, answer.object), code);
}

/**
 * DELETE of a collection: the objects a LIST with the same query would return are deleted (with
 * `limit`, that page only) and the answer is that list as listed, continue token included.
 */
export async function deleteCollection(r: ResourceRequest): Promise<Response> {
  const opts = await deleteOptions(r);
  const query = listQuery(r.url);
  const scope = selectionScope(r.entry, r.url, r.info.namespace);
  const list = await deleteCollectionResource(r.ctx, r.entry, { ...scope, ...query }, opts);
  const metadata: Record<string, unknown> = { resourceVersion: list.resourceVersion };
  if (list.continue) metadata.continue = list.continue;
  if (list.remainingItemCount !== undefined) metadata.remainingItemCount = list.remainingItemCount;
  const apiVersion = r.entry.info.group
    ? `${r.entry.info.group}/${r.entry.info.version}`
    : r.entry.info.version;
  return json({
    kind: `${r.entry.info.kind}List`,
    apiVersion,
    metadata,
    items: list.items.map((item) => present(r.entry, item)),
  });
}
