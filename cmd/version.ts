// `kube version`: kube's own version and the Kubernetes release it emulates.

import { etcdApiVersion, kubernetesVersion, kubeVersion } from "../lib/version.ts";
import { defineKubeCommand } from "./kube-command.ts";

export const versionCommand = defineKubeCommand({
  name: "version",
  description: "Print kube's version and the Kubernetes version it emulates",
  args: {},
  run: (): number => {
    console.log(`kube ${kubeVersion}`);
    console.log(`Kubernetes ${kubernetesVersion.gitVersion}`);
    console.log(`etcd API ${etcdApiVersion}`);
    return 0;
  },
});
