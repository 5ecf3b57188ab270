// Informer handlers both service endpoint controllers share (upstream endpoint and endpointslice
// controllers' addPod/updatePod/deletePod and service handlers): a service change queues that
// service; a pod change queues every service in its namespace whose selector matches the pod
// before or after the change.

import type { Pod, Service } from "kubernetes-types/core/v1";
import { type Informer, objectKey } from "../../../lib/informer/informer.ts";
import type { WorkQueue } from "../../../lib/workqueue/work-queue.ts";
import { endpointsView, selectsPod, serviceSelector } from "./pod-endpoints.ts";

export function watchServicesAndPods(options: {
  services: Informer<Service>;
  pods: Informer<Pod>;
  queue: WorkQueue;
}): void {
  const { services, pods, queue } = options;
  const enqueueFor = (...versions: Pod[]) => {
    const namespace = versions[0]?.metadata?.namespace ?? "";
    for (const service of services.listNamespace(namespace)) {
      const selector = serviceSelector(service);
      if (selector && versions.some((pod) => selectsPod(selector, pod))) queue.add(objectKey(service));
    }
  };
  services.addHandlers({
    onAdd: (service) => queue.add(objectKey(service)),
    onUpdate: (_old, service) => queue.add(objectKey(service)),
    onDelete: (service) => queue.add(objectKey(service)),
  });
  pods.addHandlers({
    onAdd: (pod) => enqueueFor(pod),
    onUpdate: (old, pod) => {
      if (endpointsView(old) !== endpointsView(pod)) enqueueFor(old, pod);
    },
    onDelete: (pod) => enqueueFor(pod),
  });
}
