// DELETE of one object or a collection (wire spec §15): DeleteOptions from the body or the
// query, uid/resourceVersion preconditions, graceful deletion (pods), finalizers and the
// propagation policies (orphan and foreground become finalizers the garbage collector honours).
// Upstream: k8s.io/apiserver pkg/registry/generic/registry/store.go Delete and
// BeforeDelete (pkg/registry/rest/delete.go).
import { StatusError } from "../../../lib/errors/status-error.ts";
import type { ApiContext, ResourceRequest } from "../api-context.ts";
import { mediaType, parseJson, readBody } from "../http/body.ts";
import { queryBool } from "../http/query-bool.ts";
import { json } from "../http/respond.ts";
import { rfc3339, type Stored } from "../registry/object.ts";
import type { Entry } from "../registry/registry.ts";
import { present } from "./read.ts";
import { selectionScope } from "./selection.ts";

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: string;
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: string[];
}

const PROTECTED_NAMESPACES = new Set(["default", "kube-system", "kube-public"]);

async function deleteOptions(r: ResourceRequest): Promise<DeleteOptions> {
  const raw = await readBody(r.req);
  let opts: DeleteOptions = {};
  if (raw.length > 0) {
    const type = mediaType(r.req);
    if (type !== "" && type !== "application/json") {
      throw StatusError.unsupportedMediaType(type, ["application/json"]);
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
  const p = opts.propagationPolicy;
  if (p !== undefined && !["Background", "Foreground", "Orphan"].includes(p)) {
    throw StatusError.badRequest(
      `propagationPolicy "${p}" is not supported: use Background, Foreground or Orphan`,
    );
  }
  for (const d of opts.dryRun ?? []) {
    if (d !== "All") throw StatusError.badRequest(`invalid dryRun value "${d}": only "All" is supported`);
  }
  return opts;
}

export async function deleteObject(r: ResourceRequest): Promise<Response> {
  const opts = await deleteOptions(r);
  if (r.ctx.admission.validateDelete) {
    const found = await r.entry.store.current(r.info.namespace, r.info.name);
    const attrs = { dryRun: (opts.dryRun ?? []).length > 0, subresource: "", user: r.user };
    if (found) await r.ctx.admission.validateDelete(r.entry, found.obj, attrs);
  }
  const obj = await deleteOne(r.ctx, r.entry, r.info.namespace, r.info.name, opts);
  return json(present(r.entry, obj), 200);
}

export async function deleteCollection(r: ResourceRequest): Promise<Response> {
  const opts = await deleteOptions(r);
  const scope = selectionScope(r.entry, r.url, r.info.namespace);
  const list = await r.entry.store.list(scope);
  const deleted: object[] = [];
  for (const item of list.items) {
    try {
      deleted.push(
        present(
          r.entry,
          await deleteOne(r.ctx, r.entry, item.metadata.namespace ?? "", item.metadata.name ?? "", opts),
        ),
      );
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 404)) throw err;
    }
  }
  const apiVersion = r.entry.info.group
    ? `${r.entry.info.group}/${r.entry.info.version}`
    : r.entry.info.version;
  return json({
    kind: `${r.entry.info.kind}List`,
    apiVersion,
    metadata: { resourceVersion: list.resourceVersion },
    items: deleted,
  });
}

/** Delete one object: at once, or by marking it when a grace period or finalizers apply. */
export async function deleteOne(
  ctx: ApiContext,
  entry: Entry,
  namespace: string,
  name: string,
  opts: DeleteOptions,
): Promise<Stored> {
  if (entry.info.kind === "Namespace" && entry.info.group === "" && PROTECTED_NAMESPACES.has(name)) {
    throw StatusError.forbidden(entry.store.qualified, name, "this namespace may not be deleted");
  }
  const dryRun = (opts.dryRun ?? []).length > 0;
  let removed = false;
  const result = await entry.store
    .update(namespace, name, (cur) => {
      if (!cur) throw StatusError.notFound(entry.store.qualified, name);
      const pre = opts.preconditions ?? {};
      if (pre.uid && pre.uid !== cur.metadata.uid) {
        throw StatusError.conflict(
          entry.store.qualified,
          name,
          `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${cur.metadata.uid}`,
        );
      }
      if (pre.resourceVersion && pre.resourceVersion !== cur.metadata.resourceVersion) {
        throw StatusError.conflict(
          entry.store.qualified,
          name,
          `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${cur.metadata.resourceVersion}`,
        );
      }
      const m = cur.metadata;
      const finalizers = new Set(m.finalizers ?? []);
      const policy = opts.propagationPolicy ?? (opts.orphanDependents ? "Orphan" : undefined);
      if (policy === "Orphan") finalizers.add("orphan");
      if (policy === "Foreground") finalizers.add("foregroundDeletion");
      const grace = entry.strategy.gracePeriod?.(cur, opts.gracePeriodSeconds) ?? 0;
      const namespaceFinalizing =
        entry.info.kind === "Namespace" &&
        ((cur.spec as { finalizers?: string[] })?.finalizers?.length ?? 0) > 0;
      if (finalizers.size === 0 && grace === 0 && !namespaceFinalizing) {
        removed = true;
        if (dryRun) throw new DryRunDelete(cur);
        return undefined;
      }
      const now = ctx.now();
      const deadline = new Date(now.getTime() + grace * 1000);
      const existing = m.deletionTimestamp ? new Date(m.deletionTimestamp) : undefined;
      if (!existing || deadline < existing) {
        m.deletionTimestamp = rfc3339(deadline);
        m.deletionGracePeriodSeconds = grace;
      }
      if (finalizers.size > 0) m.finalizers = [...finalizers];
      if (namespaceFinalizing)
        (cur as { status?: { phase?: string } }).status = { ...(cur.status as object), phase: "Terminating" };
      if (dryRun) throw new DryRunDelete(cur);
      return cur;
    })
    .catch((err: unknown) => {
      if (err instanceof DryRunDelete) return { obj: err.obj, created: false, deleted: removed };
      throw err;
    });
  if (result.deleted && !dryRun) await ctx.admission.deleted(entry, result.obj);
  return result.obj;
}

class DryRunDelete extends Error {
  constructor(readonly obj: Stored) {
    super("dry run");
  }
}
