// The API objects a joined kubelet's pods use (upstream's configmap and secret managers, the
// service lister and the token manager): ConfigMaps and Secrets read on demand, Services watched
// from the first container start on (static pods do not wait for them), ServiceAccount tokens
// cached and renewed per pod.

import type { ConfigMap, Secret, Service } from "kubernetes-types/core/v1";
import type { ApiClient } from "../../../lib/client/api-client.ts";
import { resource } from "../../../lib/client/resource-client.ts";
import { Informer } from "../../../lib/informer/informer.ts";
import type { ObjectSource } from "./object-source.ts";
import { apiTokenFetcher, TokenManager } from "./token-manager.ts";

/** How long a container start waits for the first list of Services (its environment needs them). */
const SERVICES_WAIT_MS = 5000;

export interface ApiObjects {
  objects: ObjectSource;
  /** Tokens bound to pods; a pod's go when it is removed. On the wall clock, as the volume refresh. */
  tokens: TokenManager;
  /** Stops the Services watch, if it started. */
  stop(): Promise<void>;
}

export function apiObjects(
  client: ApiClient,
  log: (line: string) => void,
  servicesWaitMs = SERVICES_WAIT_MS,
): ApiObjects {
  let services: Informer<Service> | undefined;
  let stopped = false;
  /** Ends the waits for the first list when the kubelet stops, so no sync outlives it. */
  const cancelWaits = new Set<() => void>();
  const tokens = new TokenManager({ fetch: apiTokenFetcher(client) });
  /**
   * GETs in flight by "kind/namespace/name": pods asking for the same object meanwhile share the
   * answer (each its own copy). A kubelet restart's pods all read their namespace's
   * kube-root-ca.crt at once: 6000 GETs for 6000 pods on one node-set before (N4's count).
   */
  const inFlight = new Map<string, Promise<unknown>>();
  const shared = <T>(key: string, get: () => Promise<T | undefined>): Promise<T | undefined> => {
    let running = inFlight.get(key) as Promise<T | undefined> | undefined;
    if (running === undefined) {
      running = get().finally(() => inFlight.delete(key));
      inFlight.set(key, running);
    }
    return running.then((value) => (value === undefined ? undefined : structuredClone(value)));
  };
  const objects: ObjectSource = {
    serviceAccountToken: (ns, name, spec) => tokens.serviceAccountToken(ns, name, spec),
    configMap: (ns, name) =>
      shared(`configmaps/${ns}/${name}`, () =>
        resource<ConfigMap>(client, "configmaps").namespace(ns).getIfExists(name),
      ),
    secret: (ns, name) =>
      shared(`secrets/${ns}/${name}`, () =>
        resource<Secret>(client, "secrets").namespace(ns).getIfExists(name),
      ),
    async services(options) {
      if (stopped) throw new Error("the kubelet is stopping: services are no longer read");
      if (!services) {
        services = new Informer<Service>({ client, path: "/api/v1/services", log });
        services.start();
      }
      // Upstream (kubelet_pods.go makeEnvironmentVariables): only pods from the API wait for
      // the first list; static pods start with what is known (nothing, before the API answers).
      if (options?.waitForSync === false) return services.list();
      const synced = services.synced;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<"late">((resolve) => {
        timer = setTimeout(() => resolve("late"), servicesWaitMs);
        cancelWaits.add(() => resolve("late"));
      });
      const result = await Promise.race([synced.then(() => "synced" as const), late]);
      clearTimeout(timer);
      // Upstream's words; the pod worker reports CreateContainerConfigError and tries again.
      if (result === "late")
        throw new Error("services have not yet been read at least once, cannot construct envvars");
      return services.list();
    },
  };
  return {
    objects,
    tokens,
    stop: async () => {
      stopped = true;
      for (const cancel of cancelWaits) cancel();
      cancelWaits.clear();
      await services?.stop();
    },
  };
}
