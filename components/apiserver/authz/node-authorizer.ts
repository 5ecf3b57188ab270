// The Node authorizer: a kubelet (`system:node:<name>` in system:nodes) may read the Secrets,
// ConfigMaps, PVCs, PVs and ServiceAccount tokens of the pods bound to its node, its own Lease,
// and what upstream's NodeRules grant; no opinion otherwise. Upstream:
// plugin/pkg/auth/authorizer/node/node_authorizer.go (the graph is a reference count per node;
// its caches keep each bound pod's edges and each bound claim's volume name, never the objects).
import type { PersistentVolumeClaim, Pod } from "kubernetes-types/core/v1";
import { GROUPS, type UserInfo } from "../authn/user-info.ts";
import type { Stored } from "../registry/object.ts";
import type { Registry } from "../registry/registry.ts";
import { storedPrefilter } from "../registry/stored-prefilter.ts";
import type { Attributes, Authorizer, AuthorizerResult, UserRules } from "./authorizer.ts";
import { nodeRules } from "./bootstrap-cluster-roles.ts";
import { podReferences, type RefKind, refKey } from "./pod-references.ts";
import { ruleAllows } from "./policy-rule.ts";
import { type Change, WatchedObjects } from "./watched-objects.ts";

const NODE_PREFIX = "system:node:";
const RULES = nodeRules();

/** The node a user is, "" for a member of system:nodes with another name, undefined for a non-node. */
export function nodeIdentity(user: UserInfo): string | undefined {
  if (!user.groups.includes(GROUPS.nodes)) return undefined;
  return user.username.startsWith(NODE_PREFIX) ? user.username.slice(NODE_PREFIX.length) : "";
}

/** What the graph keeps of a pod bound to a node: the node and what the pod refers to. */
export interface PodEdges {
  readonly node: string;
  readonly refs: readonly string[];
}

/** A pod's edges; undefined for an unbound pod (it gives its node nothing yet). */
export function podEdges(obj: Stored): PodEdges | undefined {
  const pod = obj as unknown as Pod;
  const node = pod.spec?.nodeName;
  return node ? { node, refs: podReferences(pod) } : undefined;
}

/**
 * Only a pod whose stored JSON names a node can have edges: the others (unscheduled pods, half
 * of all pod writes at scale) are not parsed for the graph (S5's profile: 2.7-5 % of the
 * apiserver's CPU in create and bind runs).
 */
const BOUND_POD = storedPrefilter([['"nodeName":"']]);

/** The PersistentVolume a claim is bound to, if any (what `get persistentvolumes` follows). */
const claimVolume = (obj: Stored): string | undefined =>
  (obj as unknown as PersistentVolumeClaim).spec?.volumeName || undefined;

const noOpinion = (reason: string): AuthorizerResult => ({ decision: "noOpinion", reason });
const ALLOW: AuthorizerResult = { decision: "allow" };

export class NodeAuthorizer implements Authorizer {
  /** node name -> reference key -> how many of its pods refer to it */
  private readonly refs = new Map<string, Map<string, number>>();
  private caches: { stop(): void }[] = [];
  private claims: WatchedObjects<string> | undefined;

  static async start(registry: Registry, log?: (line: string) => void): Promise<NodeAuthorizer> {
    const authz = new NodeAuthorizer();
    const pods = registry.lookup("", "v1", "pods");
    const pvcs = registry.lookup("", "v1", "persistentvolumeclaims");
    if (!pods || !pvcs)
      throw new Error("the Node authorizer needs pods and persistentvolumeclaims to be served");
    const claims = new WatchedObjects(pvcs.store, undefined, log, claimVolume);
    const edges = new WatchedObjects(pods.store, (c) => authz.onPod(c), log, podEdges, BOUND_POD);
    authz.claims = claims;
    authz.caches = [edges, claims];
    await Promise.all([edges.start(), claims.start()]);
    return authz;
  }

  stop(): void {
    for (const c of this.caches) c.stop();
  }

  /** Keeps the per-node reference counts (what upstream's graph populator does). */
  onPod(change: Change<PodEdges>): void {
    const count = ({ node, refs: keys }: PodEdges, delta: number): void => {
      let refs = this.refs.get(node);
      if (!refs) {
        refs = new Map();
        this.refs.set(node, refs);
      }
      for (const key of keys) {
        const n = (refs.get(key) ?? 0) + delta;
        if (n > 0) refs.set(key, n);
        else refs.delete(key);
      }
      if (refs.size === 0) this.refs.delete(node);
    };
    if (change.type === "delete") count(change.obj, -1);
    else {
      const { obj, old } = change;
      // A status write changes no edge: nothing to count.
      if (old && old.node === obj.node && old.refs.join() === obj.refs.join()) return;
      if (old) count(old, -1);
      count(change.obj, 1);
    }
  }

  /** Whether a pod bound to `node` refers to this object. */
  related(node: string, kind: RefKind | "pv", namespace: string, name: string): boolean {
    const refs = this.refs.get(node);
    if (!refs) return false;
    if (kind !== "pv") return refs.has(refKey(kind, namespace, name));
    for (const key of refs.keys()) {
      if (!key.startsWith("pvc:")) continue;
      const [ns, claim] = key.slice(4).split("/") as [string, string];
      if (this.claims?.get(ns, claim) === name) return true;
    }
    return false;
  }

  authorize(attrs: Attributes): AuthorizerResult {
    const node = nodeIdentity(attrs.user);
    if (node === undefined) return { decision: "noOpinion" };
    if (node === "") return noOpinion(`unknown node for user ${JSON.stringify(attrs.user.username)}`);
    if (attrs.isResourceRequest && attrs.apiGroup === "") {
      switch (attrs.resource) {
        case "secrets":
          return this.readNamespaced(node, "secret", attrs);
        case "configmaps":
          return this.readNamespaced(node, "configmap", attrs);
        case "persistentvolumeclaims":
          if (attrs.subresource === "status") return this.statusUpdate(node, "pvc", attrs);
          return this.get(node, "pvc", attrs);
        case "persistentvolumes":
          return this.get(node, "pv", attrs);
        case "serviceaccounts":
          return this.createToken(node, attrs);
      }
    }
    if (attrs.isResourceRequest && attrs.apiGroup === "coordination.k8s.io" && attrs.resource === "leases")
      return this.lease(node, attrs);
    return RULES.some((r) => ruleAllows(attrs, r)) ? ALLOW : { decision: "noOpinion" };
  }

  /** Nodes' permissions are not enumerable (upstream's RulesFor says so for node users). */
  rulesFor(user: UserInfo): UserRules {
    return nodeIdentity(user) === undefined
      ? { rules: [], incomplete: false }
      : {
          rules: [],
          incomplete: true,
          evaluationError: "node authorizer does not support user rule resolution",
        };
  }

  private relation(node: string, kind: RefKind | "pv", attrs: Attributes): AuthorizerResult {
    if (!attrs.name) return noOpinion("No Object name found");
    if (this.related(node, kind, attrs.namespace, attrs.name)) return ALLOW;
    return noOpinion(`no relationship found between node '${node}' and this object`);
  }

  private readNamespaced(node: string, kind: RefKind, attrs: Attributes): AuthorizerResult {
    if (!["get", "list", "watch"].includes(attrs.verb))
      return noOpinion("can only read resources of this type");
    if (attrs.subresource) return noOpinion("cannot read subresource");
    if (!attrs.namespace) return noOpinion("can only read namespaced object of this type");
    return this.relation(node, kind, attrs);
  }

  private get(node: string, kind: RefKind | "pv", attrs: Attributes): AuthorizerResult {
    if (attrs.verb !== "get") return noOpinion("can only get individual resources of this type");
    if (attrs.subresource) return noOpinion("cannot get subresource");
    return this.relation(node, kind, attrs);
  }

  private statusUpdate(node: string, kind: RefKind, attrs: Attributes): AuthorizerResult {
    if (attrs.verb !== "update" && attrs.verb !== "patch")
      return noOpinion("can only get/update/patch this type");
    if (attrs.subresource !== "status") return noOpinion("can only update status subresource");
    return this.relation(node, kind, attrs);
  }

  private createToken(node: string, attrs: Attributes): AuthorizerResult {
    if (attrs.verb !== "create" || !attrs.name)
      return noOpinion("can only create tokens for individual service accounts");
    if (attrs.subresource !== "token")
      return noOpinion("can only create token subresource of serviceaccount");
    return this.relation(node, "serviceaccount", attrs);
  }

  private lease(node: string, attrs: Attributes): AuthorizerResult {
    if (!["get", "create", "update", "patch", "delete"].includes(attrs.verb))
      return noOpinion("can only get, create, update, patch, or delete a node lease");
    if (attrs.namespace !== "kube-node-lease")
      return noOpinion(`can only access leases in the "kube-node-lease" system namespace`);
    if (attrs.verb !== "create" && attrs.name !== node)
      return noOpinion("can only access node lease with the same name as the requesting node");
    return ALLOW;
  }
}
