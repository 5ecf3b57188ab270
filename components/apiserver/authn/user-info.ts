// Who a request is: upstream's user.Info (k8s.io/apiserver pkg/authentication/user). Every
// request carries one after the authentication filter; in-process components carry theirs.

export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

/** Well-known names, as upstream's pkg/authentication/user/user.go spells them. */
export const USERS = {
  anonymous: "system:anonymous",
  apiserver: "system:apiserver",
  scheduler: "system:kube-scheduler",
  controllerManager: "system:kube-controller-manager",
  proxy: "system:kube-proxy",
  /** The insecure port's identity: no authentication, every request allowed. */
  unsecured: "system:unsecured",
} as const;

export const GROUPS = {
  masters: "system:masters",
  nodes: "system:nodes",
  authenticated: "system:authenticated",
  unauthenticated: "system:unauthenticated",
  serviceAccounts: "system:serviceaccounts",
  bootstrappers: "system:bootstrappers",
  monitoring: "system:monitoring",
} as const;

/** `system:node:<name>`, the kubelet's user, in group system:nodes. */
export function nodeUser(nodeName: string): UserInfo {
  return { username: `system:node:${nodeName}`, groups: [GROUPS.nodes, GROUPS.authenticated] };
}

/** A fixed identity with system:authenticated added, as upstream's authenticator union does. */
export function systemUser(username: string, groups: string[] = []): UserInfo {
  return { username, groups: [...groups, GROUPS.authenticated] };
}

/** The insecure port's user: a member of system:masters (upstream's insecure handler chain). */
export const UNSECURED_USER: UserInfo = {
  username: USERS.unsecured,
  groups: [GROUPS.masters, GROUPS.authenticated],
};
