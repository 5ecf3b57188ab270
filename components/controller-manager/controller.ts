// What every controller of `kube controller-manager` gets and gives (upstream
// cmd/kube-controller-manager/app: ControllerContext and the InitFunc table): shared informers,
// a client, an event recorder per controller, options; a running controller can be stopped.

import type { ApiClient } from "../../lib/client/api-client.ts";
import type { Clock } from "../../lib/clock/clock.ts";
import type { EventRecorder } from "../../lib/events/event-recorder.ts";
import type { InformerFactory } from "../../lib/informer/informer-factory.ts";

export interface ControllerOptions {
  /** `--cluster-cidr` (node IPAM). */
  clusterCIDR?: string;
  /** `--allocate-node-cidrs`. */
  allocateNodeCIDRs: boolean;
  /** `--node-cidr-mask-size` (default 24): the size of each node's pod CIDR. */
  nodeCIDRMaskSize?: number;
  /** `--node-monitor-grace-period` in ms (default 40 s). */
  nodeMonitorGracePeriodMs: number;
  /** `--pod-eviction-timeout` / default toleration seconds for not-ready/unreachable (300 s). */
  podEvictionTimeoutMs: number;
  /** `--concurrent-*-syncs`: workers per controller (default 5). */
  workers: number;
  /** `--root-ca-file` contents (PEM): kube-root-ca.crt in every namespace, ca.crt of token Secrets. */
  rootCA?: string;
  /** `--service-account-private-key-file` contents (PEM): signs legacy ServiceAccount token Secrets. */
  serviceAccountPrivateKey?: string;
  /** `--cluster-signing-cert-file` contents (PEM): the CA the csrsigning controller signs with. */
  clusterSigningCert?: string;
  /** `--cluster-signing-key-file` contents (PEM): that CA's private key. */
  clusterSigningKey?: string;
  /** `--cluster-signing-duration` in ms (default one year). */
  clusterSigningDurationMs?: number;
  /**
   * Node health is judged only once this settles (kube server: its own kubelets restart with it
   * and take a while at thousands of nodes); each node's grace period starts then. Absent: at once.
   */
  nodeHealthStart?: Promise<void>;
}

export interface ControllerContext {
  client: ApiClient;
  informers: InformerFactory;
  /** An event recorder reporting as `component` ("replicaset-controller", ...). */
  recorder(component: string): EventRecorder;
  options: ControllerOptions;
  log(line: string): void;
  /** Time for every controller: the real clock, a FakeClock in unit tests (common/testing). */
  clock: Clock;
  /** `new Date(clock.now())`, for code that wants a Date. */
  now(): Date;
}

export interface RunningController {
  stop(): Promise<void>;
}

export interface ControllerDescriptor {
  /** Upstream's controller name, as `--controllers` spells it ("replicaset", "deployment", ...). */
  name: string;
  /** Off unless named explicitly (upstream's disabled-by-default controllers). */
  disabledByDefault?: boolean;
  start(context: ControllerContext): RunningController | Promise<RunningController>;
}
