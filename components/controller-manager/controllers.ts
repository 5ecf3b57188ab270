// The table of controllers `kube controller-manager` can run, in upstream's names. Each
// controller lives in its own folder and adds one line here.

import { csrApprovingController } from "./certificates/csr-approving-controller.ts";
import { csrCleanerController } from "./certificates/csr-cleaner-controller.ts";
import { csrSigningController } from "./certificates/csr-signing-controller.ts";
import { clusterRoleAggregationController } from "./clusterroleaggregation/cluster-role-aggregation-controller.ts";
import type { ControllerDescriptor } from "./controller.ts";
import { cronJobController } from "./cronjob/cron-job-controller.ts";
import { daemonSetController } from "./daemonset/daemon-set-controller.ts";
import { deploymentController } from "./deployment/deployment-descriptor.ts";
import { disruptionController } from "./disruption/disruption-controller.ts";
import { endpointsController } from "./endpoints/endpoints-controller.ts";
import { endpointSliceController } from "./endpointslice/endpoint-slice-controller.ts";
import { garbageCollectorController } from "./garbagecollector/garbage-collector.ts";
import { jobController } from "./job/job-controller.ts";
import { ttlAfterFinishedController } from "./job/ttl-after-finished-controller.ts";
import { namespaceController } from "./namespace/namespace-controller.ts";
import { nodeIpamController } from "./nodeipam/node-ipam-controller.ts";
import { nodeLifecycleController } from "./nodelifecycle/node-lifecycle-controller.ts";
import { taintEvictionController } from "./nodelifecycle/taint-eviction-controller.ts";
import { horizontalPodAutoscalerController } from "./podautoscaler/horizontal-controller.ts";
import { replicaSetController } from "./replicaset/replica-set-descriptor.ts";
import { replicationControllerController } from "./replicationcontroller/replication-controller-descriptor.ts";
import { rootCaCertPublisherController } from "./rootcacertpublisher/root-ca-cert-publisher.ts";
import { serviceAccountsController } from "./serviceaccount/serviceaccounts-controller.ts";
import { serviceAccountTokenController } from "./serviceaccount-token/tokens-controller.ts";
import { serviceLbController } from "./servicelb/service-lb-controller.ts";
import { statefulSetController } from "./statefulset/stateful-set-controller.ts";

export const CONTROLLERS: ControllerDescriptor[] = [
  garbageCollectorController,
  namespaceController,
  serviceAccountsController,
  serviceAccountTokenController,
  rootCaCertPublisherController,
  csrSigningController,
  csrApprovingController,
  csrCleanerController,
  replicaSetController,
  replicationControllerController,
  deploymentController,
  endpointsController,
  endpointSliceController,
  nodeIpamController,
  nodeLifecycleController,
  taintEvictionController,
  daemonSetController,
  statefulSetController,
  jobController,
  ttlAfterFinishedController,
  cronJobController,
  disruptionController,
  horizontalPodAutoscalerController,
  serviceLbController,
  clusterRoleAggregationController,
];
