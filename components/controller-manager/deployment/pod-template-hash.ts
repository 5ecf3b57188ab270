// The pod-template-hash (upstream pkg/controller/controller_utils.go ComputeHash and
// deployment/util EqualIgnoreHash): FNV-32a over the pod template (here its canonical JSON,
// upstream a spew dump) and the collision count, rendered in the safe-encoding alphabet.

import type { PodTemplateSpec } from "kubernetes-types/core/v1";

export const POD_TEMPLATE_HASH = "pod-template-hash";

/** Upstream rand.SafeEncodeString's alphabet: no vowels, no 0/1/3, so no words and no look-alikes. */
const ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

/**
 * JSON with sorted keys, without nulls, empty maps and empty lists (upstream's semantic equality
 * treats nil and empty alike), so a template reads the same however it was written.
 */
export function canonicalJSON(value: unknown): string {
  return JSON.stringify(normalize(value)) ?? "null";
}

function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.length ? value.map(normalize) : undefined;
  if (value === null) return undefined;
  if (typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = normalize((value as Record<string, unknown>)[key]);
    if (v !== undefined) out[key] = v;
  }
  return Object.keys(out).length ? out : undefined;
}

export function fnv32a(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let hash = seed;
  for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash >>> 0;
}

export function safeEncode(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) out += ALPHANUMS[text.charCodeAt(i) % ALPHANUMS.length];
  return out;
}

export function computeHash(template: PodTemplateSpec | undefined, collisionCount?: number): string {
  let hash = fnv32a(new TextEncoder().encode(canonicalJSON(template ?? {})));
  if (collisionCount !== undefined && collisionCount !== null) {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setUint32(0, collisionCount >>> 0, true);
    hash = fnv32a(bytes, hash);
  }
  return safeEncode(String(hash));
}

/** The template without its hash label and creationTimestamp: shallow copies, never a deep clone
 * (structuredClone here was 1 % of a 500-node/15k-pod profile; equalIgnoreHash runs per sync). */
function withoutHash(template: PodTemplateSpec | undefined): unknown {
  if (!template?.metadata) return template ?? {};
  const { creationTimestamp: _, ...metadata } = template.metadata as {
    creationTimestamp?: unknown;
  } & NonNullable<PodTemplateSpec["metadata"]>;
  if (metadata.labels && POD_TEMPLATE_HASH in metadata.labels) {
    const { [POD_TEMPLATE_HASH]: _hash, ...labels } = metadata.labels;
    metadata.labels = labels;
  }
  return { ...template, metadata };
}

/** Two templates are the same but for the pod-template-hash label (upstream EqualIgnoreHash). */
export function equalIgnoreHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return canonicalJSON(withoutHash(a)) === canonicalJSON(withoutHash(b));
}
