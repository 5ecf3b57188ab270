// Empties a terminating namespace, then releases its "kubernetes" finalizer (upstream
// pkg/controller/namespace/deletion/namespaced_resources_deleter.go): every namespaced resource
// from discovery is deleted (deletecollection, else one by one), conditions report what remains.

import type { Namespace, Pod } from "kubernetes-types/core/v1";
import type { ObjectMeta } from "kubernetes-types/meta/v1";
import { type ApiClient, isStatus } from "../../../lib/client/api-client.ts";
import { resource } from "../../../lib/client/resource-client.ts";
import { isPodTerminal } from "../common/pod-predicates.ts";
import {
  type ApiResource,
  collectionPath,
  discoverResources,
  objectPath,
  withVerbs,
} from "../garbagecollector/discover-resources.ts";
import { type DeletionReport, emptyReport, updateConditions } from "./namespace-conditions.ts";

export const FINALIZER_KUBERNETES = "kubernetes";
/** Assumed time for finalizers on remaining items to finish (upstream finalizerEstimateSeconds). */
const FINALIZER_ESTIMATE_SECONDS = 15;

/** Content remains that should go by itself; try again after about `estimate` seconds. */
export class ResourcesRemainingError extends Error {
  override name = "ResourcesRemainingError";
  constructor(readonly estimate: number) {
    super(`some content remains in the namespace, estimate ${estimate} seconds before it is removed`);
  }
}

export interface NamespacedResourcesDeleterOptions {
  client: ApiClient;
  now(): Date;
  log(line: string): void;
}

interface Listed {
  items?: { metadata?: ObjectMeta }[];
}

interface Outcome {
  estimate: number;
  remaining: number;
  finalizers: Map<string, number>;
  /** Items remain that nothing is expected to remove. */
  error?: string;
}

const gvr = (r: ApiResource) => `${r.group}/${r.version}, Resource=${r.resource}`;

export class NamespacedResourcesDeleter {
  constructor(private readonly options: NamespacedResourcesDeleterOptions) {}

  /**
   * Deletes everything in namespace `name` if it is terminating, then finalizes it. Throws
   * ResourcesRemainingError while content is still going away.
   */
  async delete(name: string): Promise<void> {
    const { client } = this.options;
    let namespace = await this.get(name);
    if (!namespace?.metadata?.deletionTimestamp) return;
    if (namespace.status?.phase !== "Terminating") {
      namespace = await this.retryOnConflict(namespace, (ns) =>
        resource<Namespace>(client, "namespaces").update(
          {
            ...ns,
            status: { ...ns.status, phase: "Terminating" },
          },
          "status",
        ),
      );
      if (!namespace) return;
    }
    if ((namespace.spec?.finalizers ?? []).length === 0) return;
    const estimate = await this.deleteAllContent(namespace);
    if (estimate > 0) throw new ResourcesRemainingError(estimate);
    await this.retryOnConflict(namespace, (ns) =>
      resource<Namespace>(client, "namespaces").update(
        {
          ...ns,
          spec: {
            ...ns.spec,
            finalizers: (ns.spec?.finalizers ?? []).filter((f) => f !== FINALIZER_KUBERNETES),
          },
        },
        "finalize",
      ),
    );
    this.options.log(`namespace ${name} emptied and finalized`);
  }

  private async get(name: string): Promise<Namespace | undefined> {
    try {
      return await resource<Namespace>(this.options.client, "namespaces").get(name);
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw error;
    }
  }

  /** Runs `write` against the latest namespace until it does not conflict; undefined once it is gone. */
  private async retryOnConflict(
    namespace: Namespace,
    write: (ns: Namespace) => Promise<Namespace>,
  ): Promise<Namespace | undefined> {
    let latest: Namespace | undefined = namespace;
    for (;;) {
      try {
        return await write(latest);
      } catch (error) {
        if (isStatus(error, 404)) return undefined;
        if (!isStatus(error, 409)) throw error;
      }
      const uid = latest.metadata?.uid;
      latest = await this.get(namespace.metadata?.name ?? "");
      if (!latest) return undefined;
      if (latest.metadata?.uid !== uid) throw new Error("namespace uid has changed across retries");
    }
  }

  /** One pass over every namespaced resource; returns the longest estimate of what is still going. */
  private async deleteAllContent(namespace: Namespace): Promise<number> {
    const name = namespace.metadata?.name ?? "";
    const deletedAt = new Date(namespace.metadata?.deletionTimestamp ?? 0);
    const report: DeletionReport = emptyReport();
    const discovery = await discoverResources(this.options.client);
    for (const [gv, reason] of discovery.failed) report.discoveryFailures.push(`${gv}: ${reason}`);
    const resources = withVerbs(
      discovery.resources.filter((r) => r.namespaced),
      ["delete"],
    );
    let estimate = 0;
    await Promise.all(
      resources.map(async (r) => {
        try {
          const outcome = await this.deleteAllOf(r, name, deletedAt);
          estimate = Math.max(estimate, outcome.estimate);
          if (outcome.error) report.contentErrors.push(outcome.error);
          if (outcome.remaining > 0) {
            report.remaining.set(`${r.resource}.${r.group}`, outcome.remaining);
            for (const [f, n] of outcome.finalizers)
              report.finalizers.set(f, (report.finalizers.get(f) ?? 0) + n);
          }
        } catch (error) {
          report.contentErrors.push((error as Error).message);
        }
      }),
    );
    if (updateConditions(namespace, report, this.options.now())) {
      await resource(this.options.client, "namespaces")
        .updateStatus(namespace)
        .catch((error: Error) =>
          this.options.log(`couldn't update status condition for namespace "${name}": ${error.message}`),
        );
    }
    const errors = [...report.discoveryFailures, ...report.contentErrors];
    if (errors.length > 0) throw new Error(errors.join("; "));
    return estimate;
  }

  private async deleteAllOf(r: ApiResource, namespace: string, deletedAt: Date): Promise<Outcome> {
    const { client } = this.options;
    const path = collectionPath(r, namespace);
    let estimate = r.group === "" && r.resource === "pods" ? await this.podEstimate(namespace) : 0;
    if (this.options.now().getTime() - deletedAt.getTime() >= estimate * 1000) estimate = 0;
    const canList = r.verbs.includes("list");
    let collected = false;
    if (r.verbs.includes("deletecollection")) {
      try {
        await client.delete(path, { propagationPolicy: "Background" });
        collected = true;
      } catch (error) {
        if (!isStatus(error, 404) && !isStatus(error, 405)) throw error;
      }
    }
    if (!canList) return { estimate, remaining: 0, finalizers: new Map() };
    if (!collected) {
      for (const item of (await client.list<Listed>(path)).items ?? []) {
        await client
          .delete(objectPath(r, namespace, item.metadata?.name ?? ""), { propagationPolicy: "Background" })
          .catch((error: unknown) => {
            if (!isStatus(error, 404) && !isStatus(error, 405)) throw error;
          });
      }
    }
    const items = (await client.list<Listed>(path)).items ?? [];
    if (items.length === 0) return { estimate: 0, remaining: 0, finalizers: new Map() };
    const finalizers = new Map<string, number>();
    for (const item of items)
      for (const f of item.metadata?.finalizers ?? []) finalizers.set(f, (finalizers.get(f) ?? 0) + 1);
    const remaining = items.length;
    if (estimate > 0) return { estimate, remaining, finalizers };
    if (finalizers.size > 0) return { estimate: FINALIZER_ESTIMATE_SECONDS, remaining, finalizers };
    return {
      estimate,
      remaining,
      finalizers,
      error: `unexpected items still remain in namespace: ${namespace} for gvr: ${gvr(r)}`,
    };
  }

  /** The longest grace period of the namespace's pods that have not finished. */
  private async podEstimate(namespace: string): Promise<number> {
    const pods = await resource<Pod>(this.options.client, "pods").namespace(namespace).list();
    let estimate = 0;
    for (const pod of pods.items ?? []) {
      if (isPodTerminal(pod)) continue;
      estimate = Math.max(estimate, pod.spec?.terminationGracePeriodSeconds ?? 0);
    }
    return estimate;
  }
}
