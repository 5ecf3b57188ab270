// `--controllers=replicaset` (and `replicationcontroller`, the same controller over another
// kind): the ReplicaSet controller over the shared informers, with --concurrent-replicaset-syncs
// workers, reporting events as the kind's component.

import { runQueueController } from "../common/run-controller.ts";
import type { ControllerDescriptor } from "../controller.ts";
import { ReplicaSetController } from "./replica-set-controller.ts";
import { REPLICA_SET_KIND, type ReplicatedKind } from "./replicated-kind.ts";

/** The descriptor running the ReplicaSet controller for `kind` under `name`. */
export function replicatedController(name: string, kind: ReplicatedKind): ControllerDescriptor {
  return {
    name,
    start: (context) =>
      runQueueController(
        context,
        new ReplicaSetController({
          client: context.client,
          informers: context.informers,
          recorder: context.recorder(kind.component),
          kind,
          log: context.log,
          now: context.now,
        }),
      ),
  };
}

export const replicaSetController: ControllerDescriptor = replicatedController(
  "replicaset",
  REPLICA_SET_KIND,
);
