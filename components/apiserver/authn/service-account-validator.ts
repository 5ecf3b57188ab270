// What a verified ServiceAccount JWT says and whether it still holds: upstream's
// pkg/serviceaccount claims.go (bound tokens: exp/nbf/iat with go-jose's 1-minute leeway, the
// ServiceAccount and the bound Pod, Secret or Node by name and uid) and legacy.go (secret tokens).
import type { KObject } from "../registry/object.ts";
import type { ObjectGetter } from "./object-getter.ts";

export const LEGACY_ISSUER = "kubernetes/serviceaccount";
const LEEWAY_MS = 60_000;

export interface ServiceAccountInfo {
  namespace: string;
  name: string;
  uid: string;
  podName?: string;
  podUid?: string;
  nodeName?: string;
  nodeUid?: string;
  credentialId?: string;
}

export type Validation = { ok: ServiceAccountInfo } | { error: string };

interface Ref {
  name?: string;
  uid?: string;
}

interface BoundClaims {
  namespace?: string;
  serviceaccount?: Ref;
  pod?: Ref;
  secret?: Ref;
  node?: Ref;
}

export async function validateBound(
  claims: Record<string, unknown>,
  objects: ObjectGetter,
  now: Date,
): Promise<Validation> {
  const t = now.getTime();
  const nbf = numericDate(claims.nbf);
  const exp = numericDate(claims.exp);
  const iat = numericDate(claims.iat);
  if (nbf !== undefined && t + LEEWAY_MS < nbf) return { error: "service account token is not valid yet" };
  if (exp !== undefined && t - LEEWAY_MS > exp) return { error: "service account token has expired" };
  if (iat !== undefined && t + LEEWAY_MS < iat)
    return { error: "service account token is issued in the future" };

  const k8s = (claims["kubernetes.io"] ?? {}) as BoundClaims;
  const namespace = k8s.namespace ?? "";
  const sa = k8s.serviceaccount ?? {};
  const deletedBefore = t - LEEWAY_MS;
  const account = await objects.get("serviceaccounts", namespace, sa.name ?? "");
  if (!account) return { error: `serviceaccounts "${sa.name ?? ""}" not found` };
  if (deletedSince(account, deletedBefore))
    return { error: `service account ${namespace}/${sa.name} has been deleted` };
  if (uidOf(account) !== (sa.uid ?? "")) {
    return { error: `service account UID (${uidOf(account)}) does not match claim (${sa.uid ?? ""})` };
  }
  const info: ServiceAccountInfo = { namespace, name: sa.name ?? "", uid: sa.uid ?? "" };
  if (k8s.secret) {
    const secret = await objects.get("secrets", namespace, k8s.secret.name ?? "");
    if (!secret || deletedSince(secret, deletedBefore))
      return { error: "service account token has been invalidated" };
    if (uidOf(secret) !== (k8s.secret.uid ?? "")) {
      return {
        error: `secret UID (${uidOf(secret)}) does not match service account secret ref claim (${k8s.secret.uid ?? ""})`,
      };
    }
  }
  if (k8s.pod) {
    const pod = await objects.get("pods", namespace, k8s.pod.name ?? "");
    if (!pod || deletedSince(pod, deletedBefore))
      return { error: "service account token has been invalidated" };
    if (uidOf(pod) !== (k8s.pod.uid ?? "")) {
      return {
        error: `pod UID (${uidOf(pod)}) does not match service account pod ref claim (${k8s.pod.uid ?? ""})`,
      };
    }
    info.podName = k8s.pod.name ?? "";
    info.podUid = k8s.pod.uid ?? "";
  }
  if (k8s.node) {
    // A pod-bound token only names its node; a node-bound one needs the Node to still exist.
    if (!k8s.pod) {
      const node = await objects.get("nodes", "", k8s.node.name ?? "");
      if (!node || deletedSince(node, deletedBefore))
        return { error: "service account token has been invalidated" };
      if (uidOf(node) !== (k8s.node.uid ?? "")) {
        return {
          error: `node UID (${uidOf(node)}) does not match service account node ref claim (${k8s.node.uid ?? ""})`,
        };
      }
    }
    info.nodeName = k8s.node.name ?? "";
    info.nodeUid = k8s.node.uid ?? "";
  }
  if (typeof claims.jti === "string" && claims.jti) info.credentialId = `JTI=${claims.jti}`;
  return { ok: info };
}

/** Legacy secret-based tokens (issuer kubernetes/serviceaccount), looked up as --service-account-lookup does; legacy.go's own (capitalised) texts. */
export async function validateLegacy(
  token: string,
  claims: Record<string, unknown>,
  objects: ObjectGetter,
): Promise<Validation> {
  const str = (k: string) => (typeof claims[k] === "string" ? (claims[k] as string) : "");
  const sub = str("sub");
  const namespace = str("kubernetes.io/serviceaccount/namespace");
  const secretName = str("kubernetes.io/serviceaccount/secret.name");
  const name = str("kubernetes.io/serviceaccount/service-account.name");
  const uid = str("kubernetes.io/serviceaccount/service-account.uid");
  if (!sub) return { error: "sub claim is missing" };
  if (!namespace) return { error: "namespace claim is missing" };
  if (!secretName) return { error: "secretName claim is missing" };
  if (!name) return { error: "serviceAccountName claim is missing" };
  if (!uid) return { error: "serviceAccountUID claim is missing" };
  if (sub !== `system:serviceaccount:${namespace}:${name}`) return { error: "sub claim is invalid" };
  const secret = await objects.get("secrets", namespace, secretName);
  if (!secret || secret.metadata?.deletionTimestamp) return { error: "Token has been invalidated" };
  const data = (secret.data ?? {}) as Record<string, string>;
  if (Buffer.from(data.token ?? "", "base64").toString("utf8") !== token) {
    return { error: "Token does not match server's copy" };
  }
  const account = await objects.get("serviceaccounts", namespace, name);
  if (!account) return { error: `serviceaccounts "${name}" not found` };
  if (account.metadata?.deletionTimestamp)
    return { error: `ServiceAccount ${namespace}/${name} has been deleted` };
  if (uidOf(account) !== uid)
    return { error: `ServiceAccount UID (${uidOf(account)}) does not match claim (${uid})` };
  return { ok: { namespace, name, uid } };
}

function numericDate(v: unknown): number | undefined {
  return typeof v === "number" ? v * 1000 : undefined;
}

function uidOf(obj: KObject): string {
  return obj.metadata?.uid ?? "";
}

function deletedSince(obj: KObject, before: number): boolean {
  const ts = obj.metadata?.deletionTimestamp;
  return ts !== undefined && Date.parse(ts) < before;
}
