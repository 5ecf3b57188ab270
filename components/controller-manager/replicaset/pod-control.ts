// Creating and deleting a controller's pods with upstream's events (pkg/controller/
// controller_utils.go RealPodControl): a pod from the template named `<owner>-<5 random>` with a
// controller ownerRef; SuccessfulCreate/FailedCreate, SuccessfulDelete/FailedDelete.

import type { Pod, PodTemplateSpec } from "kubernetes-types/core/v1";
import { type ApiClient, isStatus } from "../../../lib/client/api-client.ts";
import { resource } from "../../../lib/client/resource-client.ts";
import type { EventRecorder } from "../../../lib/events/event-recorder.ts";
import type { OwnerIdentity } from "../common/controller-ref.ts";
import { podFromTemplate } from "../common/pod-template.ts";

export class PodControl {
  constructor(
    private readonly client: ApiClient,
    private readonly recorder: EventRecorder,
  ) {}

  async create(namespace: string, template: PodTemplateSpec | undefined, owner: OwnerIdentity): Promise<Pod> {
    const pod = podFromTemplate(template, owner);
    if (!Object.keys(pod.metadata?.labels ?? {}).length) throw new Error(`unable to create pods, no labels`);
    try {
      const created = await resource<Pod>(this.client, "pods").namespace(namespace).create(pod);
      this.recorder.event(owner, "Normal", "SuccessfulCreate", `Created pod: ${created.metadata?.name}`);
      return created;
    } catch (error) {
      this.recorder.event(owner, "Warning", "FailedCreate", `Error creating: ${(error as Error).message}`);
      throw error;
    }
  }

  /** Deletes the pod; a pod already gone throws the 404 without an event. */
  async delete(namespace: string, name: string, owner: OwnerIdentity): Promise<void> {
    try {
      await resource(this.client, "pods").namespace(namespace).delete(name);
      this.recorder.event(owner, "Normal", "SuccessfulDelete", `Deleted pod: ${name}`);
    } catch (error) {
      if (!isStatus(error, 404))
        this.recorder.event(owner, "Warning", "FailedDelete", `Error deleting: ${(error as Error).message}`);
      throw error;
    }
  }
}
