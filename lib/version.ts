// Version constants: kube's own version (from package.json), the Kubernetes release whose API
// kube emulates (what /version and kubectl report) and the etcd API version `kube etcd` speaks.

import { version as packageVersion } from "../package.json";

/** kube's own version, e.g. "v0.1.0". */
export const kubeVersion = `v${packageVersion}`;

/** The Kubernetes release kube emulates, as upstream's version.Info. */
export const kubernetesVersion = {
  major: "1",
  minor: "32",
  gitVersion: "v1.32.4",
} as const;

/** The etcd API version `kube etcd` reports (etcd's cluster version, major.minor). */
export const etcdApiVersion = "3.4";
