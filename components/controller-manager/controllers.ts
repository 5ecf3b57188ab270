// The table of controllers `kube controller-manager` can run, in upstream's names. Each
// controller lives in its own folder and adds one line here.

import type { ControllerDescriptor } from "./controller.ts";

export const CONTROLLERS: ControllerDescriptor[] = [];
