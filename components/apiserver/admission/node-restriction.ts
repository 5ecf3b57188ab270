// NodeRestriction admission: a kubelet (`system:node:<name>`) may only create and change its own
// Node (not its taints, nor labels outside the kubelet's prefixes), mirror pods bound to itself,
// the status of pods bound to itself, its own Lease, and tokens for pods bound to itself.
// Upstream: plugin/pkg/admission/noderestriction/admission.go, k8s.io/kubelet pkg/apis/well_known_labels.go.
import type { Node, Pod } from "kubernetes-types/core/v1";
import { StatusError } from "../../../lib/errors/status-error.ts";
import type { KObject, Stored } from "../registry/object.ts";
import type { Entry, Registry } from "../registry/registry.ts";
import type { AdmissionAttributes } from "./admission-interface.ts";

const KUBELET_LABELS = new Set([
  "kubernetes.io/hostname",
  "topology.kubernetes.io/zone",
  "topology.kubernetes.io/region",
  "failure-domain.beta.kubernetes.io/zone",
  "failure-domain.beta.kubernetes.io/region",
  "beta.kubernetes.io/instance-type",
  "node.kubernetes.io/instance-type",
  "kubernetes.io/os",
  "kubernetes.io/arch",
  "beta.kubernetes.io/os",
  "beta.kubernetes.io/arch",
]);
const KUBELET_LABEL_NAMESPACES = ["kubelet.kubernetes.io", "node.kubernetes.io"];
const MIRROR = "kubernetes.io/config.mirror";

function labelNamespace(key: string): string {
  const slash = key.indexOf("/");
  return slash < 0 ? "" : key.slice(0, slash);
}

const inNamespace = (ns: string, domain: string): boolean => ns === domain || ns.endsWith(`.${domain}`);

export function isKubeletLabel(key: string): boolean {
  if (KUBELET_LABELS.has(key)) return true;
  const ns = labelNamespace(key);
  return KUBELET_LABEL_NAMESPACES.some((d) => inNamespace(ns, d));
}

/** Labels a kubelet may not set (upstream's getForbiddenLabels), sorted. */
export function forbiddenLabels(labels: Record<string, string>, old: Record<string, string> = {}): string[] {
  const modified = new Set<string>();
  for (const [k, v] of Object.entries(labels)) if (old[k] !== v) modified.add(k);
  for (const k of Object.keys(old)) if (!(k in labels)) modified.add(k);
  const out = new Set<string>();
  for (const key of modified) {
    const ns = labelNamespace(key);
    if (inNamespace(ns, "node-restriction.kubernetes.io")) out.add(key);
    if ((inNamespace(ns, "kubernetes.io") || inNamespace(ns, "k8s.io")) && !isKubeletLabel(key)) out.add(key);
  }
  return [...out].sort();
}

/** The node a user is; "" for a system:nodes member without a node name; undefined for others. */
function nodeOf(attrs: AdmissionAttributes): string | undefined {
  const user = attrs.user;
  if (!user?.groups.includes("system:nodes")) return undefined;
  return user.username.startsWith("system:node:") ? user.username.slice("system:node:".length) : "";
}

function forbidden(entry: Entry, obj: KObject, why: string): StatusError {
  const m = obj.metadata ?? {};
  return StatusError.forbidden(
    { group: entry.info.group, resource: entry.info.plural },
    m.name || m.generateName || "Unknown",
    why,
  );
}

function podReferencesSomething(pod: Pod): string | undefined {
  const spec = pod.spec;
  if (!spec) return undefined;
  if (spec.serviceAccountName) return "a service account";
  const containers = [
    ...(spec.initContainers ?? []),
    ...(spec.containers ?? []),
    ...(spec.ephemeralContainers ?? []),
  ];
  const secrets =
    (spec.imagePullSecrets ?? []).length > 0 ||
    (spec.volumes ?? []).some((v) => v.secret || v.projected?.sources?.some((s) => s.secret)) ||
    containers.some(
      (c) =>
        (c.env ?? []).some((e) => e.valueFrom?.secretKeyRef) || (c.envFrom ?? []).some((e) => e.secretRef),
    );
  if (secrets) return "secrets";
  const configMaps =
    (spec.volumes ?? []).some((v) => v.configMap || v.projected?.sources?.some((s) => s.configMap)) ||
    containers.some(
      (c) =>
        (c.env ?? []).some((e) => e.valueFrom?.configMapKeyRef) ||
        (c.envFrom ?? []).some((e) => e.configMapRef),
    );
  if (configMaps) return "configmaps";
  if ((spec.volumes ?? []).some((v) => v.persistentVolumeClaim)) return "persistentvolumeclaims";
  return undefined;
}

export class NodeRestriction {
  constructor(private readonly registry: () => Registry) {}

  /** The requesting kubelet's node when this write is one NodeRestriction judges; throws when the user names none. */
  private restrictedNode(entry: Entry, obj: KObject, attrs: AdmissionAttributes): string | undefined {
    const node = nodeOf(attrs);
    if (node === undefined || !this.restricted(entry)) return undefined;
    if (node === "")
      throw forbidden(
        entry,
        obj,
        `could not determine node from user ${JSON.stringify(attrs.user?.username)}`,
      );
    return node;
  }

  async create(entry: Entry, obj: KObject, attrs: AdmissionAttributes): Promise<void> {
    const node = this.restrictedNode(entry, obj, attrs);
    if (node === undefined) return;
    const { group, plural } = entry.info;
    if (group === "" && plural === "pods") {
      if (attrs.subresource !== "") return this.podSubresource(entry, obj, attrs, node);
      return this.mirrorPod(entry, obj as unknown as Pod, node);
    }
    if (group === "" && plural === "nodes") {
      if (obj.metadata?.name !== node)
        throw forbidden(
          entry,
          obj,
          `node ${JSON.stringify(node)} is not allowed to modify node ${JSON.stringify(obj.metadata?.name ?? "")}`,
        );
      const bad = forbiddenLabels(obj.metadata?.labels ?? {});
      if (bad.length > 0)
        throw forbidden(
          entry,
          obj,
          `node ${JSON.stringify(node)} is not allowed to set the following labels: ${bad.join(", ")}`,
        );
      return;
    }
    if (group === "" && plural === "persistentvolumeclaims" && attrs.subresource !== "status")
      throw forbidden(entry, obj, "may only update PVC status");
    if (group === "" && plural === "serviceaccounts" && attrs.subresource === "token")
      return this.token(entry, obj, node);
    if (group === "coordination.k8s.io" && plural === "leases") this.lease(entry, obj, node);
  }

  async update(entry: Entry, obj: KObject, old: Stored, attrs: AdmissionAttributes): Promise<void> {
    const node = this.restrictedNode(entry, obj, attrs);
    if (node === undefined) return;
    const { group, plural } = entry.info;
    if (group === "" && plural === "pods") {
      if (attrs.subresource === "status") {
        if ((old as unknown as Pod).spec?.nodeName !== node)
          throw forbidden(
            entry,
            obj,
            `node ${JSON.stringify(node)} can only update pod status for pods with spec.nodeName set to itself`,
          );
        return;
      }
      if (attrs.subresource !== "") return this.podSubresource(entry, obj, attrs, node);
      throw forbidden(
        entry,
        obj,
        `unexpected operation "UPDATE", node ${JSON.stringify(node)} can only create and delete mirror pods`,
      );
    }
    if (group === "" && plural === "nodes") {
      if (obj.metadata?.name !== node)
        throw forbidden(
          entry,
          obj,
          `node ${JSON.stringify(node)} is not allowed to modify node ${JSON.stringify(obj.metadata?.name ?? "")}`,
        );
      const taints = (n: KObject) => JSON.stringify((n as unknown as Node).spec?.taints ?? []);
      if (taints(obj) !== taints(old))
        throw forbidden(entry, obj, `node ${JSON.stringify(node)} is not allowed to modify taints`);
      const bad = forbiddenLabels(obj.metadata?.labels ?? {}, old.metadata.labels ?? {});
      if (bad.length > 0) throw forbidden(entry, obj, `is not allowed to modify labels: ${bad.join(", ")}`);
      return;
    }
    if (group === "" && plural === "persistentvolumeclaims" && attrs.subresource !== "status")
      throw forbidden(entry, obj, "may only update PVC status");
    if (group === "coordination.k8s.io" && plural === "leases") this.lease(entry, obj, node);
  }

  /** Deletes: pods bound to the node, its own Node and Lease (upstream's admitPod/admitNode/admitLease). */
  async delete(entry: Entry, obj: Stored, attrs: AdmissionAttributes): Promise<void> {
    const node = this.restrictedNode(entry, obj, attrs);
    if (node === undefined) return;
    const { group, plural } = entry.info;
    if (group === "" && plural === "pods" && (obj as unknown as Pod).spec?.nodeName !== node)
      throw forbidden(
        entry,
        obj,
        `node ${JSON.stringify(node)} can only delete pods with spec.nodeName set to itself`,
      );
    if (group === "" && plural === "nodes" && obj.metadata.name !== node)
      throw forbidden(
        entry,
        obj,
        `node ${JSON.stringify(node)} is not allowed to modify node ${JSON.stringify(obj.metadata.name ?? "")}`,
      );
    if (group === "" && plural === "persistentvolumeclaims")
      throw forbidden(entry, obj, "may only update PVC status");
    if (group === "coordination.k8s.io" && plural === "leases") this.lease(entry, obj, node);
  }

  private restricted(entry: Entry): boolean {
    const { group, plural } = entry.info;
    if (group === "") return ["pods", "nodes", "persistentvolumeclaims", "serviceaccounts"].includes(plural);
    return group === "coordination.k8s.io" && plural === "leases";
  }

  private async podSubresource(
    entry: Entry,
    obj: KObject,
    attrs: AdmissionAttributes,
    node: string,
  ): Promise<void> {
    if (attrs.subresource === "status") return;
    if (attrs.subresource === "eviction") return this.eviction(entry, obj, node);
    throw forbidden(
      entry,
      obj,
      `unexpected pod subresource ${JSON.stringify(attrs.subresource)}, only 'status' and 'eviction' are allowed`,
    );
  }

  /** upstream's admitPodEviction: a node may evict only the pods bound to it. */
  private async eviction(entry: Entry, obj: KObject, node: string): Promise<void> {
    const name = obj.metadata?.name ?? "";
    if (!name) throw forbidden(entry, obj, "could not determine pod from request data");
    const found = await this.registry()
      .lookup("", "v1", "pods")
      ?.store.current(obj.metadata?.namespace ?? "", name);
    if (!found) throw StatusError.notFound({ group: "", resource: "pods" }, name);
    if ((found.obj as unknown as Pod).spec?.nodeName !== node)
      throw forbidden(entry, obj, `node ${node} can only evict pods with spec.nodeName set to itself`);
  }

  private async mirrorPod(entry: Entry, pod: Pod, node: string): Promise<void> {
    const obj = pod as unknown as KObject;
    const q = JSON.stringify(node);
    if (pod.metadata?.annotations?.[MIRROR] === undefined)
      throw forbidden(
        entry,
        obj,
        `pod does not have "${MIRROR}" annotation, node ${q} can only create mirror pods`,
      );
    if (pod.spec?.nodeName !== node)
      throw forbidden(entry, obj, `node ${q} can only create pods with spec.nodeName set to itself`);
    const owners = pod.metadata?.ownerReferences ?? [];
    if (owners.length > 1)
      throw forbidden(
        entry,
        obj,
        `node ${q} can only create pods with a single owner reference set to itself`,
      );
    const owner = owners[0];
    if (owner?.apiVersion !== "v1" || owner.kind !== "Node" || owner.name !== node)
      throw forbidden(entry, obj, `node ${q} can only create pods with an owner reference set to itself`);
    if (owner.controller !== true)
      throw forbidden(
        entry,
        obj,
        `node ${q} can only create pods with a controller owner reference set to itself`,
      );
    if (owner.blockOwnerDeletion === true)
      throw forbidden(entry, obj, `node ${q} must not set blockOwnerDeletion on an owner reference`);
    const nodes = this.registry().lookup("", "v1", "nodes");
    const found = await nodes?.store.current("", node);
    if (!found) throw StatusError.notFound({ group: "", resource: "nodes" }, node);
    if (owner.uid !== found.obj.metadata.uid)
      throw forbidden(
        entry,
        obj,
        `node ${node} UID mismatch: expected ${owner.uid} got ${found.obj.metadata.uid}`,
      );
    const ref = podReferencesSomething(pod);
    if (ref) throw forbidden(entry, obj, `node ${q} can not create pods that reference ${ref}`);
  }

  private async token(entry: Entry, obj: KObject, node: string): Promise<void> {
    const ref = (
      obj.spec as
        | { boundObjectRef?: { apiVersion?: string; kind?: string; name?: string; uid?: string } }
        | undefined
    )?.boundObjectRef;
    if (ref?.apiVersion !== "v1" || ref.kind !== "Pod" || !ref.name)
      throw forbidden(entry, obj, "node requested token not bound to a pod");
    if (!ref.uid) throw forbidden(entry, obj, "node requested token with a pod binding without a uid");
    const pods = this.registry().lookup("", "v1", "pods");
    const ns = obj.metadata?.namespace ?? "";
    const found = await pods?.store.current(ns, ref.name);
    if (!found) throw StatusError.notFound({ group: "", resource: "pods" }, ref.name);
    if (found.obj.metadata.uid !== ref.uid)
      throw forbidden(
        entry,
        obj,
        `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`,
      );
    if ((found.obj as unknown as Pod).spec?.nodeName !== node)
      throw forbidden(entry, obj, "node requested token bound to a pod scheduled on a different node");
  }

  private lease(entry: Entry, obj: KObject, node: string): void {
    if (obj.metadata?.namespace !== "kube-node-lease")
      throw forbidden(entry, obj, `can only access leases in the "kube-node-lease" system namespace`);
    if (obj.metadata?.name !== node)
      throw forbidden(entry, obj, "can only access node lease with the same name as the requesting node");
  }
}
