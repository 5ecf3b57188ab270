// The write path of one resource, for the HTTP handlers and the apiserver's own writers alike
// (bootstrap, RBAC policy, eviction): create, read-modify-write update, delete and delete of a
// collection, with the strategy hooks, admission, dry run and managedFields. Upstream:
// k8s.io/apiserver pkg/registry/generic/registry/store.go and pkg/registry/rest/delete.go.
import { StatusError } from "../../../lib/errors/status-error.ts";
import type { AdmissionAttributes } from "../admission/admission-interface.ts";
import type { DeleteResult } from "./finalize-delete.ts";
import { type KObject, rfc3339, type Stored } from "./object.ts";
import { prepareCreate, prepareUpdate, settleNamespace } from "./prepare-write.ts";
import type { Entry } from "./registry.ts";
import type { ListOptions, ListResult } from "./store.ts";
import type { WriteContext } from "./write-context.ts";
import type { WriteOptions } from "./write-options.ts";

/** upstream's metav1.DeleteOptions, the fields kube honours. */
export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: string;
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: string[];
}

/** What an update's `decide` returns: an object to create (none existed) or the new version. */
export type UpdateDecision = { create: KObject } | { update: KObject };

const PROTECTED_NAMESPACES = new Set(["default", "kube-system", "kube-public"]);

/** Create `obj` in `namespace` through every create step; returns what was (or would be) stored. */
export async function createResource(
  ctx: WriteContext,
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

/**
 * The read-modify-write of PUT and PATCH: `decide` sees the current object and returns what to
 * create or the new version; everything the server owns is restored, validated and admitted
 * before the compare-and-swap. A deleting object whose last finalizer goes is removed.
 */
export async function updateResource(
  ctx: WriteContext,
  entry: Entry,
  namespace: string,
  name: string,
  opts: WriteOptions,
  decide: (cur: Stored | undefined) => Promise<UpdateDecision>,
  pinned: boolean,
): Promise<Stored> {
  try {
    const { obj, deleted } = await entry.store.update(
      namespace,
      name,
      async (cur) => {
        const next = await decide(cur);
        if ("create" in next) throw new Escape("create", next.create);
        const out = prepareUpdate(ctx, entry, next.update, cur as Stored, opts);
        await ctx.admission.update(entry, out, cur as Stored, opts);
        const m = out.metadata ?? {};
        if (m.deletionTimestamp && (m.finalizers ?? []).length === 0 && !hasSpecFinalizers(out)) {
          if (opts.dryRun) throw new Escape("dry-run", out);
          return undefined;
        }
        if (opts.dryRun) throw new Escape("dry-run", out);
        return out;
      },
      { pinned },
    );
    if (deleted) await ctx.admission.deleted(entry, obj);
    return obj;
  } catch (err) {
    if (!(err instanceof Escape)) throw err;
    if (err.kind === "create") return createResource(ctx, entry, namespace, err.obj, opts);
    return err.obj as Stored;
  }
}

/**
 * Delete one object: at once, or by marking it when a grace period or finalizers apply. With
 * `attrs`, admission may refuse the delete first (validateDelete sees the stored object).
 * Returns the object as last seen and whether it is gone (upstream's Delete: obj, deleted).
 */
export async function deleteResource(
  ctx: WriteContext,
  entry: Entry,
  namespace: string,
  name: string,
  opts: DeleteOptions,
  attrs?: AdmissionAttributes,
): Promise<DeleteResult> {
  if (attrs && ctx.admission.validateDelete) {
    const found = await entry.store.current(namespace, name);
    if (found) await ctx.admission.validateDelete(entry, found.obj, attrs);
  }
  if (entry.info.kind === "Namespace" && entry.info.group === "" && PROTECTED_NAMESPACES.has(name)) {
    throw StatusError.forbidden(entry.store.qualified, name, "this namespace may not be deleted");
  }
  const dryRun = (opts.dryRun ?? []).length > 0;
  let removed = false;
  const result = await entry.store
    .update(namespace, name, (cur) => {
      if (!cur) throw StatusError.notFound(entry.store.qualified, name);
      checkPreconditions(entry, name, cur, opts);
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
  return { obj: result.obj, deleted: result.deleted };
}

/**
 * Delete every object a list with `scope` returns, with `opts` (upstream's
 * Store.DeleteCollection): with a limit only that page (upstream lists with the request's
 * ListOptions and stops after one page when a limit was set). Objects gone meanwhile are
 * skipped; returns the list it deleted from, as listed (upstream answers that list, not the
 * objects as deleted or marked): items, resourceVersion, continue and remainingItemCount.
 */
export async function deleteCollectionResource(
  ctx: WriteContext,
  entry: Entry,
  scope: ListOptions,
  opts: DeleteOptions,
): Promise<Pick<ListResult, "items" | "resourceVersion" | "continue" | "remainingItemCount">> {
  const { bytes: _b, raw: _r, ...options } = scope;
  const list = await entry.store.list(options);
  for (const item of list.items) {
    try {
      await deleteResource(ctx, entry, item.metadata.namespace ?? "", item.metadata.name ?? "", opts);
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 404)) throw err;
    }
  }
  const { items, resourceVersion, continue: next, remainingItemCount } = list;
  return {
    items,
    resourceVersion,
    ...(next ? { continue: next } : {}),
    ...(remainingItemCount !== undefined ? { remainingItemCount } : {}),
  };
}

/** The uid and resourceVersion preconditions of a delete, as upstream words their conflicts. */
function checkPreconditions(entry: Entry, name: string, cur: Stored, opts: DeleteOptions): void {
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
}

function hasSpecFinalizers(obj: KObject): boolean {
  const spec = obj.spec as { finalizers?: unknown[] } | undefined;
  return obj.kind === "Namespace" && (spec?.finalizers?.length ?? 0) > 0;
}

/** Leaves the compare-and-swap loop without writing: to create instead, or for a dry run. */
class Escape extends Error {
  constructor(
    readonly kind: "create" | "dry-run",
    readonly obj: KObject,
  ) {
    super(kind);
  }
}

/** Leaves a delete's compare-and-swap loop with the object a dry run would have deleted or marked. */
class DryRunDelete extends Error {
  constructor(readonly obj: Stored) {
    super("dry run");
  }
}
