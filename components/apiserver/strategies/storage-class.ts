// The StorageClass strategy (storage.k8s.io/v1): reclaimPolicy Delete and volumeBindingMode
// Immediate by default, provisioner required, enums, and the fields an update may not touch.
// Upstream: pkg/apis/storage/v1/defaults.go, pkg/apis/storage/validation/validation.go.
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import type { Strategy } from "../registry/strategy.ts";
import { forbidden, notSupported, required } from "../validation/field-errors.ts";
import { immutableField } from "../validation/immutable.ts";
import { jsonEqual, setDefault } from "../validation/json.ts";
import { qualifiedName } from "../validation/qualified-name.ts";
import { checkType } from "../validation/type-checks.ts";

export const storageClassStrategy: Strategy = {
  defaults(obj) {
    setDefault(obj, "reclaimPolicy", "Delete");
    setDefault(obj, "volumeBindingMode", "Immediate");
  },
  validate(obj) {
    const out: StatusCause[] = [
      ...checkType("parameters", obj.parameters, "map of strings"),
      ...checkType("allowVolumeExpansion", obj.allowVolumeExpansion, "boolean"),
    ];
    const provisioner = obj.provisioner;
    if (provisioner === undefined || provisioner === "") out.push(required("provisioner"));
    else if (typeof provisioner !== "string") out.push(...checkType("provisioner", provisioner, "string"));
    else out.push(...qualifiedName("provisioner", provisioner));
    if (obj.reclaimPolicy !== "Delete" && obj.reclaimPolicy !== "Retain") {
      out.push(notSupported("reclaimPolicy", obj.reclaimPolicy ?? "", ["Delete", "Retain"]));
    }
    if (obj.volumeBindingMode !== "Immediate" && obj.volumeBindingMode !== "WaitForFirstConsumer") {
      out.push(
        notSupported("volumeBindingMode", obj.volumeBindingMode ?? "", ["Immediate", "WaitForFirstConsumer"]),
      );
    }
    return out;
  },
  validateUpdate(obj, old) {
    const out: StatusCause[] = [];
    if (!jsonEqual(obj.parameters ?? {}, old.parameters ?? {}))
      out.push(forbidden("parameters", "updates to parameters are forbidden."));
    if (obj.provisioner !== old.provisioner)
      out.push(forbidden("provisioner", "updates to provisioner are forbidden."));
    if (obj.reclaimPolicy !== old.reclaimPolicy)
      out.push(forbidden("reclaimPolicy", "updates to reclaimPolicy are forbidden."));
    out.push(...immutableField("volumeBindingMode", obj.volumeBindingMode, old.volumeBindingMode));
    return out;
  },
};
