// The root-ca-cert-publisher controller (upstream
// pkg/controller/certificates/rootcacertpublisher/publisher.go): every active namespace has the
// ConfigMap kube-root-ca.crt holding the cluster CA (`--root-ca-file`) under ca.crt; one deleted
// is created again, one edited is put back.

import type { ConfigMap, Namespace } from "kubernetes-types/core/v1";
import { isStatus } from "../../../lib/client/api-client.ts";
import { resource } from "../../../lib/client/resource-client.ts";
import { WorkQueue } from "../../../lib/workqueue/work-queue.ts";
import { runController, type SyncingController } from "../common/run-controller.ts";
import type { ControllerContext, ControllerDescriptor } from "../controller.ts";

export const ROOT_CA_CONFIG_MAP = "kube-root-ca.crt";
export const DESCRIPTION_ANNOTATION = "kubernetes.io/description";
export const DESCRIPTION =
  "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.";

/** A running controller; sync: ensures the ConfigMap of one namespace (what the workers run). */
export type RootCaCertPublisher = SyncingController;

function sameData(a: Record<string, string> | undefined, b: Record<string, string>): boolean {
  const keys = Object.keys(a ?? {});
  return keys.length === Object.keys(b).length && keys.every((k) => a?.[k] === b[k]);
}

export function startRootCaCertPublisher(context: ControllerContext, rootCA: string): RootCaCertPublisher {
  const { client } = context;
  const queue = new WorkQueue();
  const namespaces = context.informers.for<Namespace>("/api/v1/namespaces");
  const configMaps = context.informers.for<ConfigMap>("/api/v1/configmaps");
  const enqueueNamespace = (ns: Namespace): void => {
    if (ns.metadata?.name) queue.add(ns.metadata.name);
  };
  const enqueueConfigMap = (cm: ConfigMap): void => {
    if (cm.metadata?.name === ROOT_CA_CONFIG_MAP && cm.metadata.namespace) queue.add(cm.metadata.namespace);
  };
  namespaces.addHandlers({ onAdd: enqueueNamespace, onUpdate: (_old, ns) => enqueueNamespace(ns) });
  configMaps.addHandlers({ onUpdate: (_old, cm) => enqueueConfigMap(cm), onDelete: enqueueConfigMap });
  const data = { "ca.crt": rootCA };

  const sync = async (name: string): Promise<void> => {
    const ns = namespaces.get(name);
    if (!ns || ns.metadata?.deletionTimestamp || (ns.status?.phase ?? "Active") !== "Active") return;
    const configMapsIn = resource(client, "configmaps").namespace(name);
    const cm = configMaps.get(`${name}/${ROOT_CA_CONFIG_MAP}`);
    if (!cm) {
      try {
        await configMapsIn.create({
          apiVersion: "v1",
          kind: "ConfigMap",
          metadata: { name: ROOT_CA_CONFIG_MAP, annotations: { [DESCRIPTION_ANNOTATION]: DESCRIPTION } },
          data,
        });
      } catch (error) {
        // A namespace gone or terminating is not retried (upstream); 409: the cache lags.
        if (isStatus(error, 404) || isStatus(error, 403) || isStatus(error, 409)) return;
        throw error;
      }
      return;
    }
    if (sameData(cm.data, data) && cm.metadata?.annotations?.[DESCRIPTION_ANNOTATION]) return;
    const fixed: ConfigMap = structuredClone(cm);
    fixed.data = { ...data };
    fixed.metadata = {
      ...fixed.metadata,
      annotations: { ...(fixed.metadata?.annotations ?? {}), [DESCRIPTION_ANNOTATION]: DESCRIPTION },
    };
    await configMapsIn.update(fixed);
  };
  return runController(context, {
    queue,
    sync,
    synced: [namespaces.synced, configMaps.synced],
  });
}

export const rootCaCertPublisherController: ControllerDescriptor = {
  name: "root-ca-cert-publisher",
  start(context) {
    // Upstream (startRootCACertPublisher): --root-ca-file, else the kubeconfig's CA data, which
    // is empty over plain HTTP (seed 002's --master http://...): the ConfigMap is published
    // anyway, with an empty ca.crt, so pods' kube-api-access volumes still mount.
    const rootCA = context.options.rootCA ?? "";
    if (!rootCA)
      context.log(
        "root-ca-cert-publisher: no --root-ca-file and no CA in the kubeconfig: publishing an empty ca.crt",
      );
    return startRootCaCertPublisher(context, rootCA);
  },
};
