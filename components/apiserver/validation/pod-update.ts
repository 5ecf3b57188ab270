// What an update may change in a pod's spec: container images, activeDeadlineSeconds,
// tolerations (additions only), terminationGracePeriodSeconds (negative to 1) and the removal
// of scheduling gates. Upstream: pkg/apis/core/validation/validation.go ValidatePodUpdate.
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import { forbidden, invalid } from "./field-errors.ts";
import { isObject, type JsonObject, jsonEqual, list } from "./json.ts";

export const POD_UPDATE_MESSAGE =
  "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

function withImagesOf(containers: unknown, from: unknown): unknown {
  if (!Array.isArray(containers) || !Array.isArray(from)) return containers;
  return containers.map((c, i) => {
    const old = from[i];
    return isObject(c) && isObject(old) ? { ...c, image: old.image } : c;
  });
}

export function validatePodSpecUpdate(spec: JsonObject, old: JsonObject): StatusCause[] {
  const out: StatusCause[] = [];
  const oldDeadline = old.activeDeadlineSeconds;
  const newDeadline = spec.activeDeadlineSeconds;
  if (typeof oldDeadline === "number" && newDeadline !== oldDeadline) {
    if (newDeadline === undefined || newDeadline === null) {
      out.push(
        invalid("spec.activeDeadlineSeconds", null, "must not update from a positive integer to nil value"),
      );
    } else if (typeof newDeadline === "number" && newDeadline > oldDeadline) {
      out.push(
        invalid("spec.activeDeadlineSeconds", newDeadline, "must be less than or equal to previous value"),
      );
    }
  }
  const oldTolerations = list(old, "tolerations");
  const newTolerations = list(spec, "tolerations");
  for (const t of oldTolerations) {
    if (!newTolerations.some((n) => jsonEqual(n, t))) {
      out.push(
        forbidden("spec.tolerations", "existing toleration can not be modified except its tolerationSeconds"),
      );
      break;
    }
  }
  // Compare everything else: copy the mutable fields from the old spec, then require equality.
  const mutable: JsonObject = { ...spec };
  mutable.containers = withImagesOf(spec.containers, old.containers);
  mutable.initContainers = withImagesOf(spec.initContainers, old.initContainers);
  mutable.activeDeadlineSeconds = old.activeDeadlineSeconds;
  mutable.tolerations = old.tolerations;
  mutable.ephemeralContainers = old.ephemeralContainers;
  const oldGrace = old.terminationGracePeriodSeconds;
  if (typeof oldGrace === "number" && oldGrace < 0 && spec.terminationGracePeriodSeconds === 1) {
    mutable.terminationGracePeriodSeconds = oldGrace;
  }
  if (list(spec, "schedulingGates").length <= list(old, "schedulingGates").length)
    mutable.schedulingGates = old.schedulingGates;
  for (const k of Object.keys(mutable)) if (mutable[k] === undefined) delete mutable[k];
  if (!jsonEqual(mutable, old)) out.push(forbidden("spec", POD_UPDATE_MESSAGE));
  return out;
}
