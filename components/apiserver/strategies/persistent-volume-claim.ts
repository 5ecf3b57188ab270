// The PersistentVolumeClaim strategy and the claim defaults StatefulSets' volumeClaimTemplates
// share: volumeMode Filesystem, status.phase Pending, validation of access modes and the
// storage request, and the update rule (only requests grow, on bound claims). Upstream:
// pkg/apis/core/v1/defaults.go, pkg/registry/core/persistentvolumeclaim/strategy.go,
// pkg/apis/core/validation/validation.go ValidatePersistentVolumeClaim(Update).

import { QUANTITY_MESSAGE, quantityNanos } from "../../../lib/api/quantity.ts";
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import { defaultTemplateMeta } from "../defaults/pod-template-defaults.ts";
import type { Strategy } from "../registry/strategy.ts";
import { forbidden, invalid, notSupported, required } from "../validation/field-errors.ts";
import { child, ensure, isObject, type JsonObject, jsonEqual, setDefault, str } from "../validation/json.ts";
import { checkType } from "../validation/type-checks.ts";

export const ACCESS_MODES = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"];

/** A claim inside a StatefulSet: as a stored claim prints it, with apiVersion and kind. */
export function defaultClaimTemplate(claim: JsonObject): void {
  setDefault(claim, "apiVersion", "v1");
  setDefault(claim, "kind", "PersistentVolumeClaim");
  defaultTemplateMeta(claim);
  defaultClaim(claim);
}

function defaultClaim(claim: JsonObject): void {
  const spec = ensure(claim, "spec");
  if (spec) setDefault(spec, "volumeMode", "Filesystem");
  const status = ensure(claim, "status");
  if (status) setDefault(status, "phase", "Pending");
}

/** The access modes of a claim or volume spec. */
export function validateAccessModes(path: string, modes: unknown): StatusCause[] {
  if (modes !== undefined && modes !== null && !Array.isArray(modes)) return checkType(path, modes, "array");
  const list = (modes as unknown[] | undefined) ?? [];
  if (list.length === 0) return [required(path, "at least 1 access mode is required")];
  const out: StatusCause[] = [];
  for (const m of list)
    if (!ACCESS_MODES.includes(m as string)) out.push(notSupported(path, m, ACCESS_MODES));
  if (list.includes("ReadWriteOncePod") && list.length > 1) {
    out.push(forbidden(path, "may not use ReadWriteOncePod with other access modes"));
  }
  return out;
}

export function validateClaimSpec(path: string, spec: unknown): StatusCause[] {
  if (!isObject(spec)) return spec === undefined ? [required(path)] : checkType(path, spec, "object");
  const out = validateAccessModes(`${path}.accessModes`, spec.accessModes);
  const storage = child(child(spec, "resources"), "requests")?.storage;
  if (storage === undefined || storage === null) out.push(required(`${path}.resources[storage]`));
  else {
    const n = quantityNanos(storage);
    if (n === undefined) out.push(invalid(`${path}.resources[storage]`, storage, QUANTITY_MESSAGE));
    else if (n <= 0n) out.push(invalid(`${path}.resources[storage]`, storage, "must be greater than zero"));
  }
  const mode = spec.volumeMode;
  if (mode !== undefined && mode !== "Block" && mode !== "Filesystem") {
    out.push(notSupported(`${path}.volumeMode`, mode, ["Block", "Filesystem"]));
  }
  out.push(...checkType(`${path}.storageClassName`, spec.storageClassName, "string"));
  out.push(...checkType(`${path}.volumeName`, spec.volumeName, "string"));
  return out;
}

const IMMUTABLE_SPEC =
  "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims";

export const persistentVolumeClaimStrategy: Strategy = {
  defaults(obj) {
    defaultClaim(obj);
  },
  prepareForCreate(obj) {
    obj.status = { phase: "Pending" };
  },
  validate(obj) {
    return validateClaimSpec("spec", obj.spec);
  },
  validateUpdate(obj, old) {
    const spec = { ...(child(obj, "spec") ?? {}) };
    const oldSpec = { ...(child(old, "spec") ?? {}) };
    if (!str(oldSpec, "volumeName")) oldSpec.volumeName = spec.volumeName;
    const bound = str(child(old, "status"), "phase") === "Bound";
    const out: StatusCause[] = [];
    if (bound) {
      const req = quantityNanos(child(child(spec, "resources"), "requests")?.storage);
      const oldReq = quantityNanos(child(child(oldSpec, "resources"), "requests")?.storage);
      if (req !== undefined && oldReq !== undefined && req < oldReq) {
        out.push(forbidden("spec.resources.requests.storage", "field can not be less than previous value"));
      }
      oldSpec.resources = spec.resources;
      oldSpec.volumeAttributesClassName = spec.volumeAttributesClassName;
    }
    for (const s of [spec, oldSpec]) for (const k of Object.keys(s)) if (s[k] === undefined) delete s[k];
    if (!jsonEqual(spec, oldSpec)) out.push(forbidden("spec", IMMUTABLE_SPEC));
    return out;
  },
};
