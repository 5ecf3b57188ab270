// The Pod strategy: defaults (pod template defaults plus SetDefaults_Pod), the initial
// Pending status with its QoS class, admission's default tolerations and priority, the
// update rules, field selectors and graceful deletion. Upstream: pkg/registry/core/pod/strategy.go.
import { type StatusCause, StatusError } from "../../../lib/errors/status-error.ts";
import { addDefaultTolerations, addPriority } from "../defaults/pod-admission-defaults.ts";
import { defaultPodOnly, defaultPodSpec } from "../defaults/pod-spec-defaults.ts";
import type { KObject, Stored } from "../registry/object.ts";
import type { Strategy } from "../registry/strategy.ts";
import { duplicate, forbidden, invalid } from "../validation/field-errors.ts";
import { ipAddress } from "../validation/ip-address.ts";
import { child, ensure, isObject, type JsonObject, jsonEqual, list, str } from "../validation/json.ts";
import { dns1123Subdomain } from "../validation/names.ts";
import { validatePodSpec } from "../validation/pod-spec-validation.ts";
import { validatePodSpecUpdate } from "../validation/pod-update.ts";
import { checkType } from "../validation/type-checks.ts";
import { ephemeralContainersUpdate } from "./pod-ephemeral-containers.ts";
import { podQos } from "./pod-qos.ts";

function specOf(obj: KObject): JsonObject | undefined {
  return ensure(obj, "spec");
}

/** The addresses a kubelet reports (ValidatePodStatusUpdate): IPs, one per family. */
function validateStatusIPs(status: JsonObject | undefined): StatusCause[] {
  const out: StatusCause[] = [];
  for (const [key, single] of [
    ["podIPs", "podIP"],
    ["hostIPs", "hostIP"],
  ] as const) {
    const seen = new Set<string>();
    list(status, key).forEach((entry, i) => {
      const ip = str(entry, "ip") ?? "";
      const field = `status.${key}[${i}].ip`;
      out.push(...ipAddress(field, ip));
      if (seen.has(ip)) out.push(duplicate(`status.${key}[${i}]`, ip));
      seen.add(ip);
    });
    const first = str(list(status, key)[0], "ip");
    const one = str(status, single);
    if (one && first && one !== first)
      out.push(invalid(`status.${single}`, one, `must match status.${key}[0].ip`));
  }
  const nominated = str(status, "nominatedNodeName");
  if (nominated) out.push(...dns1123Subdomain("status.nominatedNodeName", nominated));
  return out;
}

function validatePod(obj: KObject): StatusCause[] {
  if (obj.spec !== undefined && !isObject(obj.spec)) return checkType("spec", obj.spec, "object");
  return [...validatePodSpec("spec", obj.spec ?? {}), ...validateStatusIPs(child(obj, "status"))];
}

function validatePodUpdate(obj: KObject, old: Stored): StatusCause[] {
  const out: StatusCause[] = [];
  const spec = child(obj, "spec");
  const oldSpec = child(old, "spec");
  if (spec && oldSpec) out.push(...validatePodSpecUpdate(spec, oldSpec));
  return out;
}

export const podStrategy: Strategy = {
  defaults(obj) {
    const spec = specOf(obj);
    if (!spec) return;
    defaultPodSpec(spec);
    defaultPodOnly(spec);
  },
  prepareForCreate(obj) {
    const spec = specOf(obj);
    if (list(spec, "ephemeralContainers").length > 0)
      throw StatusError.invalid({ group: "", kind: "Pod" }, obj.metadata?.name ?? "", [
        forbidden("spec.ephemeralContainers", "cannot be set on create"),
      ]);
    if (spec) {
      addDefaultTolerations(spec);
      addPriority(spec);
    }
    const status: JsonObject = { phase: "Pending", qosClass: podQos(spec) };
    if (list(spec, "schedulingGates").length > 0) {
      status.conditions = [
        {
          type: "PodScheduled",
          status: "False",
          lastProbeTime: null,
          lastTransitionTime: null,
          reason: "SchedulingGated",
          message: "Scheduling is blocked due to non-empty scheduling gates",
        },
      ];
    }
    obj.status = status;
  },
  subresourceUpdate(next, old, subresource) {
    return subresource === "ephemeralcontainers" ? ephemeralContainersUpdate(next, old) : undefined;
  },
  prepareForUpdate(obj, old, ctx) {
    if (ctx.subresource !== "status") return;
    // The QoS class is fixed at creation (ValidatePodStatusUpdate rejects changes).
    const oldQos = str(child(old, "status"), "qosClass");
    const status = ensure(obj, "status");
    if (status && oldQos) status.qosClass = oldQos;
  },
  validate: validatePod,
  validateStatusUpdate(obj, old) {
    // The spec is the stored one (prepareUpdate keeps it): validated when it was written.
    if (!jsonEqual(obj.spec, old.spec)) return [...validatePod(obj), ...validatePodUpdate(obj, old)];
    return validateStatusIPs(child(obj, "status"));
  },
  validateUpdate: validatePodUpdate,
  fields(obj) {
    const spec = child(obj, "spec");
    const status = child(obj, "status");
    const ips = list(status, "podIPs");
    const first = isObject(ips[0]) ? str(ips[0], "ip") : undefined;
    return {
      "spec.nodeName": str(spec, "nodeName") ?? "",
      "spec.restartPolicy": str(spec, "restartPolicy") ?? "",
      "spec.schedulerName": str(spec, "schedulerName") ?? "",
      "spec.serviceAccountName": str(spec, "serviceAccountName") ?? "",
      "spec.hostNetwork": spec?.hostNetwork === true ? "true" : "false",
      "status.phase": str(status, "phase") ?? "",
      "status.podIP": first ?? str(status, "podIP") ?? "",
      "status.nominatedNodeName": str(status, "nominatedNodeName") ?? "",
    };
  },
  gracePeriod(obj: Stored, requested) {
    const spec = child(obj, "spec");
    let period =
      requested ??
      (typeof spec?.terminationGracePeriodSeconds === "number" ? spec.terminationGracePeriodSeconds : 0);
    if (!str(spec, "nodeName")) period = 0;
    const phase = str(child(obj, "status"), "phase");
    if (phase === "Succeeded" || phase === "Failed") period = 0;
    return period < 0 ? 1 : period;
  },
};
