// ControllerRevisions of a DaemonSet or StatefulSet (upstream pkg/controller/history and
// daemon/update.go constructHistory): a revision per distinct pod template, named
// `<owner>-<hash>`, the hash an FNV-32a of the template (plus collision count) encoded as
// rand.SafeEncodeString does; an older revision whose template comes back is renumbered. A new
// revision carries the owner's annotations (kubernetes.io/change-cause among them).

import type { ControllerRevision } from "kubernetes-types/apps/v1";
import type { PodTemplateSpec } from "kubernetes-types/core/v1";
import type { ApiClient } from "../../../lib/client/api-client.ts";
import { isStatus } from "../../../lib/client/api-client.ts";
import { resource } from "../../../lib/client/resource-client.ts";
import { newControllerRef, type OwnerIdentity } from "../common/controller-ref.ts";

const ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

/** rand.SafeEncodeString: each byte mapped into a vowel-free alphabet (no bad words). */
export function safeEncode(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) out += ALPHANUMS[text.charCodeAt(i) % ALPHANUMS.length];
  return out;
}

function fnv32a(text: string, seed = 0x811c9dc5): number {
  let hash = seed;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** A stable JSON text (object keys sorted), so equal templates hash equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** The revision hash of a pod template (controller.ComputeHash / history.HashControllerRevision). */
export function templateHash(template: PodTemplateSpec | undefined, collisionCount = 0): string {
  let hash = fnv32a(canonicalJson(template ?? {}));
  if (collisionCount) hash = fnv32a(String(collisionCount), hash);
  return safeEncode(String(hash));
}

/** What a revision stores: the template as a strategic-merge patch that replaces it. */
export function revisionData(template: PodTemplateSpec | undefined): { spec: { template: unknown } } {
  return { spec: { template: { ...structuredClone(template ?? {}), $patch: "replace" } } };
}

/** The pod template a revision recorded. */
export function templateOfRevision(revision: ControllerRevision): PodTemplateSpec {
  const data = revision.data as { spec?: { template?: PodTemplateSpec & { $patch?: string } } } | undefined;
  const { $patch: _patch, ...template } = data?.spec?.template ?? {};
  return template;
}

export interface RevisionResult {
  /** The revision of the owner's current template. */
  update: ControllerRevision;
  /** All the owner's revisions after the change, oldest first. */
  revisions: ControllerRevision[];
  collisionCount: number;
}

const byRevision = (a: ControllerRevision, b: ControllerRevision) => a.revision - b.revision;

/**
 * Finds or makes the revision of `template` among `revisions` (the owner's, from the cache):
 * the newest equal one is reused, an older equal one renumbered to the next revision, else a
 * new one created; a name taken by a different template bumps the collision count.
 */
export async function ensureRevision(options: {
  client: ApiClient;
  owner: OwnerIdentity;
  revisions: ControllerRevision[];
  template: PodTemplateSpec | undefined;
  collisionCount: number;
  /** Label key carrying the hash on the revision ("controller-revision-hash"). */
  hashLabel: string;
}): Promise<RevisionResult> {
  const { client, owner, template } = options;
  const namespace = owner.metadata?.namespace ?? "default";
  const history = resource<ControllerRevision>(client, "controllerrevisions.apps").namespace(namespace);
  const revisions = [...options.revisions].sort(byRevision);
  const next = (revisions.at(-1)?.revision ?? 0) + 1;
  const data = canonicalJson(revisionData(template));
  const equal = revisions.filter((r) => canonicalJson(r.data) === data);
  const newest = equal.at(-1);
  if (newest && newest === revisions.at(-1)) {
    return { update: newest, revisions, collisionCount: options.collisionCount };
  }
  if (newest) {
    const renumbered = await history.update({
      ...newest,
      revision: next,
    });
    const rest = revisions.filter((r) => r !== newest);
    return { update: renumbered, revisions: [...rest, renumbered], collisionCount: options.collisionCount };
  }
  let collisionCount = options.collisionCount;
  for (;;) {
    const hash = templateHash(template, collisionCount);
    const name = `${(owner.metadata?.name ?? "").slice(0, 223)}-${hash}`;
    const revision: ControllerRevision = {
      apiVersion: "apps/v1",
      kind: "ControllerRevision",
      metadata: {
        name,
        namespace,
        labels: { ...(template?.metadata?.labels ?? {}), [options.hashLabel]: hash },
        // The owner's annotations, so `kubectl rollout history` shows each revision's
        // kubernetes.io/change-cause (upstream's snapshot and newRevision copy them all).
        ...(owner.metadata?.annotations ? { annotations: { ...owner.metadata.annotations } } : {}),
        ownerReferences: [newControllerRef(owner)],
      },
      data: revisionData(template),
      revision: next,
    };
    try {
      const created = await history.create(revision);
      return { update: created, revisions: [...revisions, created], collisionCount };
    } catch (error) {
      if (!isStatus(error, 409)) throw error;
      const existing = await history.get(name);
      if (canonicalJson(existing.data) === data) {
        // Ours from a sync whose create the cache has not shown yet (or an orphan): reuse it.
        return { update: existing, revisions: [...revisions, existing], collisionCount };
      }
      collisionCount++;
    }
  }
}

/**
 * Deletes the oldest revisions beyond `limit` that no live pod or status still names.
 */
export async function truncateHistory(options: {
  client: ApiClient;
  revisions: ControllerRevision[];
  live: Set<string>;
  limit: number;
}): Promise<void> {
  const dead = [...options.revisions]
    .sort(byRevision)
    .filter((r) => !options.live.has(r.metadata?.name ?? ""));
  const excess = dead.length - Math.max(0, options.limit);
  for (const revision of dead.slice(0, Math.max(0, excess))) {
    const ns = revision.metadata?.namespace ?? "default";
    await resource(options.client, "controllerrevisions.apps")
      .namespace(ns)
      .delete(revision.metadata?.name ?? "")
      .catch((error: unknown) => {
        if (!isStatus(error, 404)) throw error;
      });
  }
}
