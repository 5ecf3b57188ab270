// What the store does to an object before it is written (upstream's rest.BeforeCreate and
// rest.BeforeUpdate, k8s.io/apiserver pkg/registry/rest/create.go, update.go): system metadata
// on create (uid, timestamps, generation, generateName), what an update may change (status vs
// main resource, immutable metadata, generation bumps), validation to a 422, managedFields.
import { randomUUID } from "node:crypto";
import { type StatusCause, StatusError } from "../../../lib/errors/status-error.ts";
import { updateManagedFields } from "../fieldmanager/update-managed-fields.ts";
import { patchMetaFor } from "../patch/builtin-patch-meta.ts";
import { copyJson, type KObject, type Meta, meta, rfc3339, type Stored } from "./object.ts";
import type { Entry } from "./registry.ts";
import type { WriteContext } from "./write-context.ts";
import type { WriteOptions } from "./write-options.ts";

export function servedApiVersion(entry: Entry): string {
  return entry.info.group ? `${entry.info.group}/${entry.info.version}` : entry.info.version;
}

/** The namespace in the body must be the URL's; cluster-scoped objects have none. */
export function settleNamespace(entry: Entry, obj: KObject, namespace: string): void {
  const m = meta(obj);
  if (!entry.info.namespaced) {
    delete m.namespace;
    return;
  }
  if (m.namespace && m.namespace !== namespace) {
    throw StatusError.badRequest(
      "the namespace of the provided object does not match the namespace sent on the request",
    );
  }
  m.namespace = namespace;
}

const NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789";

/** upstream's SimpleNameGenerator: the prefix plus five random characters. */
export function generateName(prefix: string): string {
  let suffix = "";
  for (let i = 0; i < 5; i++) suffix += NAME_CHARS[Math.floor(Math.random() * NAME_CHARS.length)];
  return `${prefix.slice(0, 58)}${suffix}`;
}

/** Everything a new object gets before it is stored; throws 422 when invalid. */
export function prepareCreate(ctx: WriteContext, entry: Entry, obj: KObject, opts: WriteOptions): void {
  const m = meta(obj);
  if (!m.name && m.generateName) m.name = generateName(m.generateName);
  const now = ctx.now();
  m.uid = randomUUID();
  m.creationTimestamp = rfc3339(now);
  delete m.resourceVersion;
  delete m.deletionTimestamp;
  delete m.deletionGracePeriodSeconds;
  delete (m as Record<string, unknown>).selfLink;
  if (entry.strategy.generation) m.generation = 1;
  else delete m.generation;
  if (Array.isArray(m.finalizers) && m.finalizers.length === 0) delete m.finalizers;
  entry.strategy.defaults?.(obj);
  entry.strategy.prepareForCreate?.(obj, { now, subresource: "", ...(opts.user ? { user: opts.user } : {}) });
  // managedFields first, then validation, as upstream's field manager runs before BeforeCreate:
  // a reset (`[{}]`) is never judged as an entry.
  if (!opts.apply) m.managedFields = managedFields(entry, undefined, obj, opts, now);
  validate(ctx, entry, obj, undefined);
}

/**
 * The object an update stores: `next` as sent, with what the client may not change restored
 * from `old`. For the status subresource only status changes.
 */
export function prepareUpdate(
  ctx: WriteContext,
  entry: Entry,
  next: KObject,
  old: Stored,
  opts: WriteOptions,
): KObject {
  const now = ctx.now();
  const hasStatus = entry.info.subresources.some((s) => s.name === "status");
  let out: KObject;
  const part = opts.subresource ? entry.strategy.subresourceUpdate?.(next, old, opts.subresource) : undefined;
  if (part) {
    out = part;
    const m = meta(out);
    const nm = next.metadata ?? {};
    // As status: the writer may keep labels and annotations in sync, nothing else of metadata.
    if (nm.labels !== undefined) m.labels = nm.labels;
    if (nm.annotations !== undefined) m.annotations = nm.annotations;
  } else if (opts.subresource === "finalize") {
    out = copyJson(old);
    const spec = (out.spec ?? {}) as { finalizers?: unknown };
    spec.finalizers = (next.spec as { finalizers?: unknown } | undefined)?.finalizers ?? [];
    out.spec = spec;
  } else if (opts.subresource === "status") {
    out = withStatus(old, next.status);
    const m = meta(out);
    const nm = next.metadata ?? {};
    // Upstream lets status writers keep labels and annotations in sync, nothing else.
    if (nm.labels !== undefined) m.labels = nm.labels;
    if (nm.annotations !== undefined) m.annotations = nm.annotations;
  } else {
    out = next;
    if (hasStatus) {
      if (old.status === undefined) delete out.status;
      else out.status = copyJson(old.status);
    }
  }
  const m = meta(out);
  const om = old.metadata;
  m.name = om.name;
  if (om.namespace !== undefined) m.namespace = om.namespace;
  m.uid = om.uid;
  m.creationTimestamp = om.creationTimestamp;
  if (om.deletionTimestamp) {
    m.deletionTimestamp = om.deletionTimestamp;
    m.deletionGracePeriodSeconds = om.deletionGracePeriodSeconds;
  } else {
    delete m.deletionTimestamp;
    delete m.deletionGracePeriodSeconds;
  }
  delete (m as Record<string, unknown>).selfLink;
  if (Array.isArray(m.finalizers) && m.finalizers.length === 0) delete m.finalizers;
  if (opts.subresource === "") entry.strategy.defaults?.(out);
  entry.strategy.prepareForUpdate?.(out, old, {
    now,
    subresource: opts.subresource,
    ...(opts.user ? { user: opts.user } : {}),
  });
  if (entry.strategy.generation) {
    m.generation = om.generation ?? 1;
    // A status write may carry annotations (the deployment controller's revision) without bumping it.
    const metaBump = opts.subresource !== "status" && entry.strategy.generationChanged?.(out, old);
    if (specChanged(out, old) || metaBump) m.generation += 1;
  } else if (om.generation !== undefined) m.generation = om.generation;
  else delete m.generation;
  if (!opts.apply) m.managedFields = managedFields(entry, old, out, opts, now);
  validate(ctx, entry, out, old, opts.subresource);
  m.resourceVersion = om.resourceVersion;
  return out;
}

/**
 * A copy of `old` with `status` in its place (last when `old` has none): the old status, which a
 * status write replaces whole, is not cloned (a Pod's is most of the object).
 */
function withStatus(old: Stored, status: unknown): KObject {
  const out: KObject = {};
  for (const [key, value] of Object.entries(old)) out[key] = key === "status" ? status : copyJson(value);
  if (!("status" in old)) out.status = status;
  return out;
}

/** The managedFields after a write by `opts.manager` (an Update entry with the fields it changed). */
function managedFields(
  entry: Entry,
  before: KObject | undefined,
  after: KObject,
  opts: WriteOptions,
  now: Date,
): Meta["managedFields"] {
  const apiVersion = servedApiVersion(entry);
  const meta = patchMetaFor(apiVersion, entry.info.kind);
  const updated = updateManagedFields(before, after, opts.manager, "Update", apiVersion, {
    now,
    ...(meta ? { meta } : {}),
    ...(opts.subresource ? { subresource: opts.subresource } : {}),
  }) as KObject;
  return updated.metadata?.managedFields;
}

function specChanged(a: KObject, b: KObject): boolean {
  const strip = (o: KObject) => {
    const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = o;
    return JSON.stringify(rest);
  };
  return strip(a) !== strip(b);
}

function validate(
  ctx: WriteContext,
  entry: Entry,
  obj: KObject,
  old: Stored | undefined,
  subresource = "",
): void {
  const causes: StatusCause[] = [...ctx.validateMeta(entry, obj)];
  const strategy = entry.strategy;
  if (!old) causes.push(...(strategy.validate?.(obj) ?? []));
  else {
    if (subresource === "status" && strategy.validateStatusUpdate)
      causes.push(...strategy.validateStatusUpdate(obj, old));
    else {
      causes.push(...(strategy.validate?.(obj) ?? []));
      causes.push(...(strategy.validateUpdate?.(obj, old) ?? []));
    }
    if (old.metadata.uid && obj.metadata?.uid && obj.metadata.uid !== old.metadata.uid) {
      causes.push({ reason: "FieldValueInvalid", field: "metadata.uid", message: "field is immutable" });
    }
  }
  if (causes.length > 0) {
    throw StatusError.invalid(
      { group: entry.info.group, kind: entry.info.kind },
      obj.metadata?.name ?? "",
      causes,
    );
  }
}
