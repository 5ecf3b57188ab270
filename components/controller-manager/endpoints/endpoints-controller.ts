// The endpoints controller (upstream pkg/controller/endpoint/endpoints_controller.go): for every
// Service with a selector it keeps an Endpoints object of the same name listing its pods' ready and
// not-ready addresses and ports; written only when it differs, deleted with the service; services
// without a selector are left to whoever manages their Endpoints.

import type { Endpoints, Pod, Service } from "kubernetes-types/core/v1";
import { isStatus } from "../../../lib/client/api-client.ts";
import { resource } from "../../../lib/client/resource-client.ts";
import type { EventRecorder } from "../../../lib/events/event-recorder.ts";
import type { Informer } from "../../../lib/informer/informer.ts";
import { WorkQueue } from "../../../lib/workqueue/work-queue.ts";
import { type ControllerRun, runQueueController } from "../common/run-controller.ts";
import type { ControllerContext, ControllerDescriptor } from "../controller.ts";
import { desiredSubsets, subsetsEqual } from "./endpoint-subsets.ts";
import { serviceSelector } from "./pod-endpoints.ts";
import { watchServicesAndPods } from "./service-pod-handlers.ts";
import { endpointLabels, podsForService, sameLabels } from "./service-pods.ts";

export class EndpointsController {
  readonly queue = new WorkQueue();
  private readonly services: Informer<Service>;
  private readonly pods: Informer<Pod>;
  private readonly endpoints: Informer<Endpoints>;
  private readonly recorder: EventRecorder;

  constructor(private readonly context: ControllerContext) {
    this.services = context.informers.for<Service>("/api/v1/services");
    this.pods = context.informers.for<Pod>("/api/v1/pods");
    this.endpoints = context.informers.for<Endpoints>("/api/v1/endpoints");
    this.recorder = context.recorder("endpoint-controller");
  }

  async start(): Promise<void> {
    await Promise.all([this.services.synced, this.pods.synced, this.endpoints.synced]);
    watchServicesAndPods({ services: this.services, pods: this.pods, queue: this.queue });
    // Someone deleting a service's Endpoints gets them back.
    this.endpoints.addHandlers({
      onDelete: (ep) => this.queue.add(`${ep.metadata?.namespace}/${ep.metadata?.name}`),
    });
  }

  async sync(key: string): Promise<void> {
    const [namespace = "", name = ""] = key.split("/");
    const endpoints = resource(this.context.client, "endpoints").namespace(namespace);
    const service = this.services.get(key);
    if (!service) {
      // The service is gone: so are its Endpoints (upstream deletes them, 404 is fine).
      try {
        await endpoints.delete(name);
      } catch (error) {
        if (!isStatus(error, 404)) throw error;
      }
      return;
    }
    if (!serviceSelector(service) || service.metadata?.deletionTimestamp) return;
    const subsets = desiredSubsets(service, podsForService(service, this.pods.listNamespace(namespace)));
    const labels = endpointLabels(service);

    const current = this.endpoints.get(key);
    if (current && subsetsEqual(current.subsets, subsets) && sameLabels(current.metadata?.labels, labels))
      return;
    const object: Endpoints = {
      apiVersion: "v1",
      kind: "Endpoints",
      metadata: {
        ...(current?.metadata ?? {}),
        name,
        namespace,
        labels,
      },
      subsets,
    };
    const ref = { ...service, apiVersion: "v1", kind: "Service" };
    try {
      if (current) await endpoints.update(object);
      else await endpoints.create(object);
    } catch (error) {
      // A conflict or AlreadyExists: the informer has not caught up; the retry starts from it.
      if (!isStatus(error, 409)) {
        const verb = current ? "update" : "create";
        this.recorder.event(
          ref,
          "Warning",
          current ? "FailedToUpdateEndpoint" : "FailedToCreateEndpoint",
          `Failed to ${verb} endpoint ${namespace}/${name}: ${(error as Error).message}`,
        );
      }
      throw error;
    }
  }
}

function startEndpoints(context: ControllerContext): ControllerRun {
  const controller = new EndpointsController(context);
  return runQueueController(context, controller);
}

/** The `endpoint` controller (upstream's --controllers name). */
export const endpointsController: ControllerDescriptor = { name: "endpoint", start: startEndpoints };
