// `kube kubelet` (multicall: kubelet): runs pods as processes, standalone from a manifest
// directory or registered with an API server. Flags follow upstream kubelet; issue 4 builds it.

import { defineKubeCommand } from "./kube-command.ts";
import { NotBuiltError } from "./not-built-error.ts";

export const kubeletCommand = defineKubeCommand({
  name: "kubelet",
  description: "Runs pods as real processes, standalone from manifests or joined to an API server",
  args: {
    kubeconfig: {
      type: "string",
      description: "Path to a kubeconfig for the API server; absent: standalone",
    },
    "api-servers": {
      type: "string",
      description: "Comma-separated API server URLs (legacy; prefer --kubeconfig)",
    },
    "node-name": { type: "string", description: "Name of the Node object this kubelet registers" },
    "hostname-override": {
      type: "string",
      description: "Use this name instead of the hostname as the node name",
    },
    "pod-manifest-path": { type: "string", description: "Directory of static pod manifests to run" },
    config: { type: "string", description: "Path to a KubeletConfiguration file" },
    "root-dir": {
      type: "string",
      description: "Directory for pod volumes and state",
      default: "/var/lib/kubelet",
    },
  },
  run: () => {
    throw new NotBuiltError(4);
  },
});
