// The PersistentVolume strategy: reclaim policy Retain, volumeMode Filesystem, status Pending
// with its phase transition time, validation of capacity, access modes and the single
// volume source, and the immutable source. Upstream: pkg/apis/core/v1/defaults.go,
// pkg/registry/core/persistentvolume/strategy.go, pkg/apis/core/validation ValidatePersistentVolume.

import { QUANTITY_MESSAGE, quantityNanos } from "../../../lib/api/quantity.ts";
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import { rfc3339 } from "../registry/object.ts";
import type { Strategy } from "../registry/strategy.ts";
import { forbidden, invalid, notSupported, required } from "../validation/field-errors.ts";
import { child, ensure, isObject, jsonEqual, setDefault, str } from "../validation/json.ts";
import { checkType } from "../validation/type-checks.ts";
import { validateAccessModes } from "./persistent-volume-claim.ts";

const SOURCES = [
  "gcePersistentDisk",
  "awsElasticBlockStore",
  "hostPath",
  "glusterfs",
  "nfs",
  "rbd",
  "iscsi",
  "cinder",
  "cephfs",
  "fc",
  "flocker",
  "flexVolume",
  "azureFile",
  "vsphereVolume",
  "quobyte",
  "azureDisk",
  "photonPersistentDisk",
  "portworxVolume",
  "scaleIO",
  "local",
  "storageos",
  "csi",
];
const RECLAIM = ["Delete", "Recycle", "Retain"];

export const persistentVolumeStrategy: Strategy = {
  defaults(obj) {
    const spec = ensure(obj, "spec");
    if (spec) {
      setDefault(spec, "persistentVolumeReclaimPolicy", "Retain");
      setDefault(spec, "volumeMode", "Filesystem");
      const hostPath = child(spec, "hostPath");
      if (hostPath && (hostPath.type === undefined || hostPath.type === null)) hostPath.type = "";
    }
    const status = ensure(obj, "status");
    if (status) setDefault(status, "phase", "Pending");
  },
  prepareForCreate(obj, ctx) {
    obj.status = { phase: "Pending", lastPhaseTransitionTime: rfc3339(ctx.now) };
  },
  prepareForUpdate(obj, old, ctx) {
    if (ctx.subresource !== "status") return;
    const status = child(obj, "status");
    if (status && str(status, "phase") !== str(child(old, "status"), "phase")) {
      status.lastPhaseTransitionTime = rfc3339(ctx.now);
    }
  },
  validate(obj) {
    const spec = obj.spec;
    if (!isObject(spec)) return spec === undefined ? [required("spec")] : checkType("spec", spec, "object");
    const out: StatusCause[] = [];
    out.push(...validateAccessModes("spec.accessModes", spec.accessModes));
    const capacity = child(spec, "capacity");
    if (!capacity || Object.keys(capacity).length === 0) out.push(required("spec.capacity"));
    else {
      for (const [k, v] of Object.entries(capacity)) {
        if (k !== "storage") out.push(notSupported(`spec.capacity`, k, ["storage"]));
        else if (quantityNanos(v) === undefined)
          out.push(invalid("spec.capacity[storage]", v, QUANTITY_MESSAGE));
      }
    }
    const policy = spec.persistentVolumeReclaimPolicy;
    if (typeof policy === "string" && !RECLAIM.includes(policy)) {
      out.push(notSupported("spec.persistentVolumeReclaimPolicy", policy, RECLAIM));
    }
    const sources = SOURCES.filter((s) => spec[s] !== undefined && spec[s] !== null);
    if (sources.length === 0) out.push(required("spec", "must specify a volume type"));
    for (const s of sources.slice(1))
      out.push(forbidden(`spec.${s}`, "may not specify more than 1 volume type"));
    const hostPath = child(spec, "hostPath");
    if (hostPath && !hostPath.path) out.push(required("spec.hostPath.path"));
    const local = child(spec, "local");
    if (local && !local.path) out.push(required("spec.local.path"));
    return out;
  },
  validateUpdate(obj, old) {
    const spec = child(obj, "spec") ?? {};
    const oldSpec = child(old, "spec") ?? {};
    const out: StatusCause[] = [];
    if (!SOURCES.every((s) => jsonEqual(spec[s], oldSpec[s]))) {
      out.push(
        forbidden("spec.persistentvolumesource", "spec.persistentvolumesource is immutable after creation"),
      );
    }
    if (!jsonEqual(spec.volumeMode, oldSpec.volumeMode))
      out.push(invalid("spec.volumeMode", spec.volumeMode ?? null, "field is immutable"));
    return out;
  },
};
