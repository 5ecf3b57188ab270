// The user a ServiceAccount token stands for: upstream's ServiceAccountInfo.UserInfo
// (k8s.io/apiserver pkg/authentication/serviceaccount/util.go): the username, its two groups,
// and the bound pod, node and credential id as extra values.
import type { ServiceAccountInfo } from "./service-account-validator.ts";
import { GROUPS, type UserInfo } from "./user-info.ts";

export const EXTRA = {
  podName: "authentication.kubernetes.io/pod-name",
  podUid: "authentication.kubernetes.io/pod-uid",
  nodeName: "authentication.kubernetes.io/node-name",
  nodeUid: "authentication.kubernetes.io/node-uid",
  credentialId: "authentication.kubernetes.io/credential-id",
} as const;

const PREFIX = "system:serviceaccount:";
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function serviceAccountUsername(namespace: string, name: string): string {
  return `${PREFIX}${namespace}:${name}`;
}

/** `system:serviceaccount:<ns>:<name>` as [namespace, name], or undefined (upstream's SplitUsername). */
export function splitServiceAccountUsername(username: string): [string, string] | undefined {
  if (!username.startsWith(PREFIX)) return undefined;
  const parts = username.slice(PREFIX.length).split(":");
  const [namespace, name] = parts;
  if (parts.length !== 2 || !namespace || !name) return undefined;
  if (namespace.length > 63 || !DNS_LABEL.test(namespace)) return undefined;
  if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) return undefined;
  return [namespace, name];
}

export function serviceAccountGroups(namespace: string): string[] {
  return [GROUPS.serviceAccounts, `${GROUPS.serviceAccounts}:${namespace}`];
}

export function serviceAccountUser(sa: ServiceAccountInfo): UserInfo {
  const user: UserInfo = {
    username: serviceAccountUsername(sa.namespace, sa.name),
    uid: sa.uid,
    groups: serviceAccountGroups(sa.namespace),
  };
  const extra: Record<string, string[]> = {};
  if (sa.podName && sa.podUid) {
    extra[EXTRA.podName] = [sa.podName];
    extra[EXTRA.podUid] = [sa.podUid];
  }
  if (sa.credentialId) extra[EXTRA.credentialId] = [sa.credentialId];
  if (sa.nodeName) {
    extra[EXTRA.nodeName] = [sa.nodeName];
    if (sa.nodeUid) extra[EXTRA.nodeUid] = [sa.nodeUid];
  }
  if (Object.keys(extra).length > 0) user.extra = extra;
  return user;
}
