// `--controllers=deployment`: the Deployment controller over the shared informers, reporting
// events as deployment-controller.

import { runQueueController } from "../common/run-controller.ts";
import type { ControllerDescriptor } from "../controller.ts";
import { DeploymentController } from "./deployment-controller.ts";

export const deploymentController: ControllerDescriptor = {
  name: "deployment",
  start: (context) =>
    runQueueController(
      context,
      new DeploymentController({
        client: context.client,
        informers: context.informers,
        recorder: context.recorder("deployment-controller"),
        log: context.log,
        now: context.now,
      }),
    ),
};
