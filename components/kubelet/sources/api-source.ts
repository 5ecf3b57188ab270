// The pods the API server binds to this node (upstream pkg/kubelet/config/apiserver.go): a pod
// watch with the field selector spec.nodeName=<node>; mirror pods come through it too.

import type { Pod } from "kubernetes-types/core/v1";
import type { ApiClient } from "../../../lib/client/api-client.ts";
import { Informer } from "../../../lib/informer/informer.ts";
import type { PodSource } from "./file-source.ts";

export interface ApiPodSource extends PodSource {
  /** Stops the watch; resolves once it ended. */
  stop(): Promise<void>;
}

export function watchApiPods(options: {
  client: ApiClient;
  nodeName: string;
  /** A pod bound to the node was added or updated. */
  onPod(pod: Pod): void;
  onPodGone(pod: Pod): void;
  log(line: string): void;
}): ApiPodSource {
  const informer = new Informer<Pod>({
    client: options.client,
    path: "/api/v1/pods",
    fieldSelector: `spec.nodeName=${options.nodeName}`,
    onAdd: options.onPod,
    onUpdate: (_old, pod) => options.onPod(pod),
    onDelete: options.onPodGone,
    log: options.log,
  });
  informer.start();
  return { synced: informer.synced, stop: () => informer.stop() };
}
