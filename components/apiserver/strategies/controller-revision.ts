// The ControllerRevision strategy (apps/v1): a non-negative revision and immutable data.
// Upstream: pkg/apis/apps/validation/validation.go ValidateControllerRevision(Update).
import type { Strategy } from "../registry/strategy.ts";
import { required } from "../validation/field-errors.ts";
import { immutableField } from "../validation/immutable.ts";
import { nonNegative } from "../validation/workload-fields.ts";

export const controllerRevisionStrategy: Strategy = {
  validate(obj) {
    if (obj.data === undefined || obj.data === null) return [required("data", "data is mandatory")];
    return nonNegative("revision", obj.revision);
  },
  validateUpdate(obj, old) {
    return immutableField("data", obj.data, old.data);
  },
};
