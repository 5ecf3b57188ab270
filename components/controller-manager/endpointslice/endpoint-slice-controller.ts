// The endpointslice controller (upstream pkg/controller/endpointslice): for every Service with a
// selector, discovery.k8s.io/v1 EndpointSlices named <service>-<random>, labelled with the
// service name and managed-by endpointslice-controller.k8s.io, owned by the service, one set per
// resolved port set, at most 100 endpoints each; a placeholder slice when there are none.

import type { Pod, Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { isStatus } from "../../../lib/client/api-client.ts";
import { type ResourceClient, resource } from "../../../lib/client/resource-client.ts";
import type { EventRecorder } from "../../../lib/events/event-recorder.ts";
import type { Informer } from "../../../lib/informer/informer.ts";
import { WorkQueue } from "../../../lib/workqueue/work-queue.ts";
import { MANAGED_BY_LABEL, SERVICE_NAME_LABEL } from "../common/labels.ts";
import { type ControllerRun, runQueueController } from "../common/run-controller.ts";
import type { ControllerContext, ControllerDescriptor } from "../controller.ts";
import { serviceSelector } from "../endpoints/pod-endpoints.ts";
import { watchServicesAndPods } from "../endpoints/service-pod-handlers.ts";
import { endpointLabels, podsForService, sameLabels } from "../endpoints/service-pods.ts";
import { canonicalEndpoints, desiredPortGroups, type PortGroup, portsKey } from "./slice-endpoints.ts";
import { SliceTracker } from "./slice-tracker.ts";

const MANAGED_BY = "endpointslice-controller.k8s.io";

export interface EndpointSliceOptions {
  /** `--max-endpoints-per-slice` (default 100). */
  maxEndpointsPerSlice?: number;
}

export class EndpointSliceController {
  readonly queue = new WorkQueue();
  readonly tracker = new SliceTracker();
  private readonly services: Informer<Service>;
  private readonly pods: Informer<Pod>;
  private readonly slices: Informer<EndpointSlice>;
  private readonly recorder: EventRecorder;
  private readonly maxPerSlice: number;

  constructor(
    private readonly context: ControllerContext,
    options: EndpointSliceOptions = {},
  ) {
    this.services = context.informers.for<Service>("/api/v1/services");
    this.pods = context.informers.for<Pod>("/api/v1/pods");
    this.slices = context.informers.for<EndpointSlice>("/apis/discovery.k8s.io/v1/endpointslices");
    this.recorder = context.recorder("endpoint-slice-controller");
    this.maxPerSlice = options.maxEndpointsPerSlice ?? 100;
  }

  async start(): Promise<void> {
    await Promise.all([this.services.synced, this.pods.synced, this.slices.synced]);
    watchServicesAndPods({ services: this.services, pods: this.pods, queue: this.queue });
    const enqueueOwner = (slice: EndpointSlice) => {
      const labels = slice.metadata?.labels ?? {};
      const service = labels[SERVICE_NAME_LABEL];
      if (service && labels[MANAGED_BY_LABEL] === MANAGED_BY)
        this.queue.add(`${slice.metadata?.namespace}/${service}`);
    };
    this.slices.addHandlers({
      onAdd: enqueueOwner,
      onUpdate: (_old, s) => enqueueOwner(s),
      onDelete: enqueueOwner,
    });
  }

  private ownedSlices(namespace: string, name: string): EndpointSlice[] {
    return this.slices.listNamespace(namespace).filter((s) => {
      const labels = s.metadata?.labels ?? {};
      return labels[SERVICE_NAME_LABEL] === name && labels[MANAGED_BY_LABEL] === MANAGED_BY;
    });
  }

  async sync(key: string): Promise<void> {
    const [namespace = "", name = ""] = key.split("/");
    const base = resource<EndpointSlice>(this.context.client, "endpointslices.discovery.k8s.io").namespace(
      namespace,
    );
    const existing = this.ownedSlices(namespace, name);
    if (!this.tracker.current(key, existing))
      throw new Error(`EndpointSlice informer cache is out of date for service ${key}`);
    const service = this.services.get(key);
    if (!service) {
      for (const slice of existing) await this.remove(key, base, slice);
      this.tracker.forget(key);
      return;
    }
    if (!serviceSelector(service) || service.metadata?.deletionTimestamp) return;
    let groups = desiredPortGroups(service, podsForService(service, this.pods.listNamespace(namespace)));
    // Upstream keeps one placeholder slice (no ports, no endpoints) for a service without endpoints.
    if (groups.length === 0) groups = [{ key: portsKey([]), ports: [], endpoints: [] }];
    try {
      await this.reconcile(key, base, service, groups, existing);
    } catch (error) {
      if (!isStatus(error, 409))
        this.recorder.event(
          { ...service, apiVersion: "v1", kind: "Service" },
          "Warning",
          "FailedToUpdateEndpointSlices",
          `Error updating Endpoint Slices for Service ${key}: ${(error as Error).message}`,
        );
      throw error;
    }
  }

  private labels(service: Service): Record<string, string> {
    const labels = endpointLabels(service);
    labels[SERVICE_NAME_LABEL] = service.metadata?.name ?? "";
    labels[MANAGED_BY_LABEL] = MANAGED_BY;
    return labels;
  }

  private async reconcile(
    key: string,
    base: ResourceClient<EndpointSlice>,
    service: Service,
    groups: PortGroup[],
    existing: EndpointSlice[],
  ): Promise<void> {
    const labels = this.labels(service);
    const byPorts = new Map<string, EndpointSlice[]>();
    for (const slice of existing) {
      const k = portsKey(slice.ports);
      byPorts.set(k, [...(byPorts.get(k) ?? []), slice]);
    }
    for (const group of groups) {
      const reusable = byPorts.get(group.key) ?? [];
      byPorts.delete(group.key);
      const chunks: PortGroup["endpoints"][] = [];
      for (let i = 0; i < group.endpoints.length; i += this.maxPerSlice)
        chunks.push(group.endpoints.slice(i, i + this.maxPerSlice));
      if (chunks.length === 0) chunks.push([]);
      for (const [i, endpoints] of chunks.entries()) {
        const slice = reusable[i];
        if (slice) {
          if (
            canonicalEndpoints(slice.endpoints) === canonicalEndpoints(endpoints) &&
            sameLabels(slice.metadata?.labels, labels)
          )
            continue;
          const updated = await base.update({
            ...slice,
            metadata: { ...slice.metadata, labels },
            endpoints,
            ports: group.ports,
          });
          this.tracker.written(key, updated);
        } else {
          const created = await base.create({
            apiVersion: "discovery.k8s.io/v1",
            kind: "EndpointSlice",
            metadata: {
              generateName: `${service.metadata?.name}-`,
              namespace: service.metadata?.namespace,
              labels,
              ownerReferences: [
                {
                  apiVersion: "v1",
                  kind: "Service",
                  name: service.metadata?.name ?? "",
                  uid: service.metadata?.uid ?? "",
                  controller: true,
                  blockOwnerDeletion: true,
                },
              ],
            },
            addressType: "IPv4",
            endpoints,
            ports: group.ports,
          });
          this.tracker.written(key, created);
        }
      }
      for (const extra of reusable.slice(chunks.length)) await this.remove(key, base, extra);
    }
    // Slices for port sets no pod resolves any more.
    for (const stale of byPorts.values()) for (const slice of stale) await this.remove(key, base, slice);
  }

  private async remove(
    key: string,
    base: ResourceClient<EndpointSlice>,
    slice: EndpointSlice,
  ): Promise<void> {
    const name = slice.metadata?.name ?? "";
    try {
      await base.delete(name);
    } catch (error) {
      if (!isStatus(error, 404)) throw error;
    }
    this.tracker.deleted(key, name);
  }
}

function startEndpointSlice(context: ControllerContext, options: EndpointSliceOptions): ControllerRun {
  const controller = new EndpointSliceController(context, options);
  return runQueueController(context, controller);
}

/** The `endpointslice` controller with `options` overriding flags (tests). */
export function endpointSliceControllerWith(options: EndpointSliceOptions): ControllerDescriptor {
  return { name: "endpointslice", start: (context) => startEndpointSlice(context, options) };
}

export const endpointSliceController: ControllerDescriptor = endpointSliceControllerWith({});
