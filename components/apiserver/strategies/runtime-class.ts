// The RuntimeClass strategy (node.k8s.io/v1): handler required, a DNS-1123 label, immutable.
// Upstream: pkg/apis/node/validation/validation.go ValidateRuntimeClass(Update).
import type { Strategy } from "../registry/strategy.ts";
import { required } from "../validation/field-errors.ts";
import { immutableField } from "../validation/immutable.ts";
import { dns1123Label } from "../validation/names.ts";
import { checkType } from "../validation/type-checks.ts";

export const runtimeClassStrategy: Strategy = {
  validate(obj) {
    const handler = obj.handler;
    if (handler === undefined || handler === null || handler === "") return [required("handler")];
    if (typeof handler !== "string") return checkType("handler", handler, "string");
    return [
      ...dns1123Label("handler", handler),
      ...checkType("overhead", obj.overhead, "object"),
      ...checkType("scheduling", obj.scheduling, "object"),
    ];
  },
  validateUpdate(obj, old) {
    return immutableField("handler", obj.handler, old.handler);
  },
};
