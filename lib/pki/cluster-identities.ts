// The client certificates a cluster's own components present (kubeadm's kubeconfig phase and
// k3s's client certs): file stem, user (CN) and groups (O) for each.
import type { ClientIdentity } from "./ensure-cluster-pki.ts";

/** admin, scheduler, controller manager, proxy, the apiserver's kubelet client, one kubelet per node. */
export function clusterIdentities(nodes: string[]): ClientIdentity[] {
  return [
    { name: "admin", commonName: "kubernetes-admin", organizations: ["system:masters"] },
    { name: "kube-scheduler", commonName: "system:kube-scheduler" },
    { name: "kube-controller-manager", commonName: "system:kube-controller-manager" },
    { name: "kube-proxy", commonName: "system:kube-proxy" },
    {
      name: "apiserver-kubelet-client",
      commonName: "kube-apiserver-kubelet-client",
      organizations: ["system:masters"],
    },
    ...nodes.map((node) => ({
      name: `kubelet-${node}`,
      commonName: `system:node:${node}`,
      organizations: ["system:nodes"],
    })),
  ];
}
