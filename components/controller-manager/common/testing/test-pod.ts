// A Pod for controller unit tests: name, namespace "ns", uid `uid-<name>`, labels, an optional
// controller owner, node, phase and Ready condition — the fields controllers read.

import type { Pod } from "kubernetes-types/core/v1";

export interface TestPodOptions {
  namespace?: string;
  labels?: Record<string, string>;
  /** The controller owning the pod. */
  owner?: { apiVersion: string; kind: string; name: string; uid: string };
  node?: string;
  /** Default: Running on a node, else Pending. */
  phase?: string;
  /** A Ready condition with this status (none when undefined). */
  ready?: boolean;
  readySince?: string;
  finalizers?: string[];
}

export function testPod(name: string, options: TestPodOptions = {}): Pod {
  const { owner } = options;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: options.namespace ?? "ns",
      uid: `uid-${name}`,
      labels: options.labels ?? {},
      finalizers: options.finalizers,
      ownerReferences: owner ? [{ ...owner, controller: true }] : undefined,
    },
    spec: { nodeName: options.node, containers: [{ name: "c", image: "i" }] },
    status: {
      phase: options.phase ?? (options.node ? "Running" : "Pending"),
      conditions:
        options.ready === undefined
          ? []
          : [
              {
                type: "Ready",
                status: options.ready ? "True" : "False",
                lastTransitionTime: options.readySince,
              },
            ],
    },
  };
}
