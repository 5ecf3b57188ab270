// `--controllers=replicationcontroller`: the ReplicaSet controller run over
// ReplicationControllers (upstream pkg/controller/replication/replication_controller.go).

import type { ControllerDescriptor } from "../controller.ts";
import { ReplicaSetController } from "../replicaset/replica-set-controller.ts";
import { REPLICATION_CONTROLLER_KIND } from "./replication-controller-kind.ts";

export const replicationControllerDescriptor: ControllerDescriptor = {
  name: "replicationcontroller",
  async start(context) {
    const controller = new ReplicaSetController({
      client: context.client,
      informers: context.informers,
      recorder: context.recorder(REPLICATION_CONTROLLER_KIND.component),
      kind: REPLICATION_CONTROLLER_KIND,
      workers: context.options.workers,
      log: context.log,
      now: context.now,
    });
    await controller.start();
    return controller;
  },
};
