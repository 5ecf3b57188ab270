// `--controllers=replicationcontroller`: the ReplicaSet controller run over
// ReplicationControllers (upstream pkg/controller/replication/replication_controller.go).

import type { ControllerDescriptor } from "../controller.ts";
import { replicatedController } from "../replicaset/replica-set-descriptor.ts";
import { REPLICATION_CONTROLLER_KIND } from "./replication-controller-kind.ts";

export const replicationControllerController: ControllerDescriptor = replicatedController(
  "replicationcontroller",
  REPLICATION_CONTROLLER_KIND,
);
