// A pod read from a manifest file or URL made into a static pod as upstream's kubelet does
// (pkg/kubelet/config/common.go applyDefaults): named `<name>-<node>`, bound to this node, a
// UID hashed from node, source and content (so an edit restarts it), config annotations.

import { createHash } from "node:crypto";
import type { Pod } from "kubernetes-types/core/v1";
import { parseAllDocuments } from "yaml";

export const CONFIG_SOURCE = "kubernetes.io/config.source";
export const CONFIG_HASH = "kubernetes.io/config.hash";
export const CONFIG_MIRROR = "kubernetes.io/config.mirror";
export const CONFIG_SEEN = "kubernetes.io/config.seen";

export class ManifestError extends Error {
  override name = "ManifestError";
}

/** Parses one file's text (YAML or JSON, one or more documents) into pods. */
export function parseManifest(text: string, origin: string): Pod[] {
  const pods: Pod[] = [];
  const docs = parseAllDocuments(text);
  for (const [index, doc] of docs.entries()) {
    if (doc.errors.length) throw new ManifestError(`${origin}: ${doc.errors[0]?.message.split("\n")[0]}`);
    const value = doc.toJSON() as unknown;
    if (value === null || value === undefined) continue;
    const where = docs.length > 1 ? `${origin} (document ${index + 1})` : origin;
    if (typeof value !== "object" || Array.isArray(value))
      throw new ManifestError(
        `${where}: expected a Pod object, got ${Array.isArray(value) ? "a list" : typeof value}`,
      );
    const object = value as Record<string, unknown>;
    if (object.kind === "PodList" || object.kind === "List") {
      for (const item of (object.items as Pod[] | undefined) ?? []) pods.push(checkPod(item, where));
      continue;
    }
    pods.push(checkPod(object as Pod, where));
  }
  return pods;
}

function checkPod(pod: Pod, where: string): Pod {
  if (pod.kind !== "Pod")
    throw new ManifestError(`${where}: kind is "${pod.kind ?? ""}", a static pod manifest must be kind: Pod`);
  if (pod.apiVersion !== "v1")
    throw new ManifestError(`${where}: apiVersion is "${pod.apiVersion ?? ""}", want "v1"`);
  if (!pod.metadata?.name) throw new ManifestError(`${where}: metadata.name is required`);
  if (!pod.spec?.containers?.length)
    throw new ManifestError(`${where}: spec.containers must name at least one container`);
  for (const c of pod.spec.containers) {
    if (!c.name) throw new ManifestError(`${where}: every container needs a name`);
    if (!c.image) throw new ManifestError(`${where}: container "${c.name}" needs an image`);
  }
  return pod;
}

/** Defaults and identity for a pod from a `file` or `http` source (upstream applyDefaults). */
export function toStaticPod(pod: Pod, source: "file" | "http", origin: string, nodeName: string): Pod {
  const copy = structuredClone(pod);
  const hash = createHash("md5")
    .update(`host:${nodeName}`)
    .update(`${source}:${origin}`)
    .update(JSON.stringify(pod))
    .digest("hex");
  const meta: { -readonly [K in keyof NonNullable<Pod["metadata"]>]: NonNullable<Pod["metadata"]>[K] } =
    copy.metadata ?? {};
  copy.metadata = meta;
  meta.uid = hash;
  meta.name = `${meta.name}-${nodeName}`;
  meta.namespace ??= "default";
  meta.annotations = {
    ...meta.annotations,
    [CONFIG_HASH]: hash,
    [CONFIG_SOURCE]: source,
    [CONFIG_SEEN]: new Date().toISOString(),
  };
  const spec = copy.spec ?? { containers: [] };
  copy.spec = spec;
  spec.nodeName = nodeName;
  spec.restartPolicy ??= "Always";
  spec.dnsPolicy ??= "ClusterFirst";
  spec.terminationGracePeriodSeconds ??= 30;
  spec.schedulerName ??= "default-scheduler";
  spec.enableServiceLinks ??= true;
  spec.tolerations = [...(spec.tolerations ?? []), { operator: "Exists", effect: "NoExecute" }];
  for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
    c.terminationMessagePath ??= "/dev/termination-log";
    c.terminationMessagePolicy ??= "File";
    c.imagePullPolicy ??= c.image?.endsWith(":latest") || !c.image?.includes(":") ? "Always" : "IfNotPresent";
  }
  return copy;
}

export function isMirrorPod(pod: Pod): boolean {
  return pod.metadata?.annotations?.[CONFIG_MIRROR] !== undefined;
}

export function isStaticPod(pod: Pod): boolean {
  const source = pod.metadata?.annotations?.[CONFIG_SOURCE];
  return source === "file" || source === "http";
}
