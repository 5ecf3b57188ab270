// `--controllers=replicaset`: the ReplicaSet controller over the shared informers, with
// --concurrent-replicaset-syncs workers, reporting events as replicaset-controller.

import type { ControllerDescriptor } from "../controller.ts";
import { ReplicaSetController } from "./replica-set-controller.ts";
import { REPLICA_SET_KIND } from "./replicated-kind.ts";

export const replicaSetDescriptor: ControllerDescriptor = {
  name: "replicaset",
  async start(context) {
    const controller = new ReplicaSetController({
      client: context.client,
      informers: context.informers,
      recorder: context.recorder(REPLICA_SET_KIND.component),
      kind: REPLICA_SET_KIND,
      workers: context.options.workers,
      log: context.log,
      now: context.now,
    });
    await controller.start();
    return controller;
  },
};
