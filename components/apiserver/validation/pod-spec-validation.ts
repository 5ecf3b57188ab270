// Validation of a PodSpec (pods and every pod template): containers, volumes, policies,
// scheduling fields, tolerations. Upstream: pkg/apis/core/validation/validation.go
// ValidatePodSpec, validateRestartPolicy, validateDNSPolicy, ValidateTolerations.
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import { validateAffinity, validateTopologySpread } from "./affinity-validation.ts";
import { validateContainerList } from "./container-validation.ts";
import { validateDnsConfig } from "./dns-config-validation.ts";
import { invalid, notSupported, required } from "./field-errors.ts";
import { isObject, type JsonObject, list, objects } from "./json.ts";
import { dns1123Label, dns1123Subdomain } from "./names.ts";
import { labelMap, qualifiedName } from "./qualified-name.ts";
import { validatePodSecurityContext } from "./security-context-validation.ts";
import { checkFields, checkType } from "./type-checks.ts";
import { validateVolumes } from "./volume-validation.ts";

const RESTART_POLICIES = ["Always", "OnFailure", "Never"];
const DNS_POLICIES = ["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"];
const EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

function validateTolerations(path: string, tolerations: unknown): StatusCause[] {
  if (tolerations === undefined || tolerations === null) return [];
  if (!Array.isArray(tolerations)) return checkType(path, tolerations, "array");
  const out: StatusCause[] = [];
  tolerations.forEach((t, i) => {
    const at = `${path}[${i}]`;
    if (!isObject(t)) {
      out.push(...checkType(at, t, "object"));
      return;
    }
    const typed = checkFields(at, t, {
      key: "string",
      operator: "string",
      value: "string",
      effect: "string",
      tolerationSeconds: "integer",
    });
    if (typed.length) {
      out.push(...typed);
      return;
    }
    const key = (t.key as string | undefined) ?? "";
    const op = (t.operator as string | undefined) ?? "";
    if (key !== "") out.push(...qualifiedName(`${at}.key`, key));
    if (key === "" && op !== "Exists") {
      out.push(
        invalid(
          `${at}.operator`,
          op,
          'operator must be Exists when `key` is empty, which means "match all values and all keys"',
        ),
      );
    }
    if (t.tolerationSeconds !== undefined && t.effect !== "NoExecute") {
      out.push(
        invalid(`${at}.effect`, t.effect ?? "", "effect must be 'NoExecute' when `tolerationSeconds` is set"),
      );
    }
    if (op === "Exists" && t.value) {
      out.push(invalid(`${at}.operator`, t.value, "value must be empty when `operator` is 'Exists'"));
    } else if (op !== "" && op !== "Equal" && op !== "Exists") {
      out.push(notSupported(`${at}.operator`, op, ["Equal", "Exists"]));
    }
    if (t.effect && !EFFECTS.includes(t.effect as string))
      out.push(notSupported(`${at}.effect`, t.effect, EFFECTS));
  });
  return out;
}

export interface PodSpecOptions {
  /** Restart policies a workload accepts (jobs: OnFailure and Never). */
  restartPolicies?: string[];
}

export function validatePodSpec(path: string, spec: unknown, opts: PodSpecOptions = {}): StatusCause[] {
  if (spec === undefined || spec === null) return [required(path)];
  if (!isObject(spec)) return checkType(path, spec, "object");
  const s: JsonObject = spec;
  const typed = checkFields(path, s, {
    restartPolicy: "string",
    dnsPolicy: "string",
    schedulerName: "string",
    serviceAccountName: "string",
    nodeName: "string",
    hostname: "string",
    subdomain: "string",
    priorityClassName: "string",
    hostNetwork: "boolean",
    hostPID: "boolean",
    hostIPC: "boolean",
    terminationGracePeriodSeconds: "integer",
    activeDeadlineSeconds: "integer",
    priority: "integer",
    enableServiceLinks: "boolean",
    automountServiceAccountToken: "boolean",
    securityContext: "object",
    nodeSelector: "object",
  });
  if (typed.length) return typed;
  const out: StatusCause[] = [];
  const volumes = validateVolumes(`${path}.volumes`, s.volumes);
  out.push(...volumes.causes);
  const names = new Set<string>();
  if (
    list(s, "containers").length === 0 &&
    (s.containers === undefined || Array.isArray(s.containers) || s.containers === null)
  ) {
    out.push(required(`${path}.containers`));
  } else {
    out.push(
      ...validateContainerList(`${path}.containers`, s.containers, "containers", names, volumes.names),
    );
  }
  out.push(
    ...validateContainerList(
      `${path}.initContainers`,
      s.initContainers,
      "initContainers",
      names,
      volumes.names,
    ),
  );
  out.push(
    ...validateContainerList(
      `${path}.ephemeralContainers`,
      s.ephemeralContainers,
      "ephemeralContainers",
      names,
      volumes.names,
    ),
  );
  if (s.hostNetwork === true) {
    // validatePodHostNetworkDeps: with the host's network a port is the host port.
    for (const list of ["containers", "initContainers"]) {
      for (const [c, i] of objects(s, list)) {
        for (const [p, j] of objects(c, "ports")) {
          if (typeof p.hostPort === "number" && p.hostPort !== 0 && p.hostPort !== p.containerPort) {
            out.push(
              invalid(
                `${path}.${list}[${i}].ports[${j}].containerPort`,
                p.containerPort,
                "must match `hostPort` when `hostNetwork` is true",
              ),
            );
          }
        }
      }
    }
  }
  const restart = (s.restartPolicy as string | undefined) ?? "";
  if (restart === "") out.push(required(`${path}.restartPolicy`));
  else if (!RESTART_POLICIES.includes(restart))
    out.push(notSupported(`${path}.restartPolicy`, restart, RESTART_POLICIES));
  else if (opts.restartPolicies && !opts.restartPolicies.includes(restart)) {
    out.push(notSupported(`${path}.restartPolicy`, restart, opts.restartPolicies));
  }
  const dns = (s.dnsPolicy as string | undefined) ?? "";
  if (dns === "") out.push(required(`${path}.dnsPolicy`));
  else if (!DNS_POLICIES.includes(dns)) out.push(notSupported(`${path}.dnsPolicy`, dns, DNS_POLICIES));
  out.push(...validateDnsConfig(`${path}.dnsConfig`, s.dnsConfig, dns));
  out.push(...validatePodSecurityContext(`${path}.securityContext`, s.securityContext));
  out.push(...labelMap(`${path}.nodeSelector`, s.nodeSelector));
  for (const key of ["serviceAccountName", "nodeName", "priorityClassName"]) {
    if (typeof s[key] === "string" && s[key] !== "")
      out.push(...dns1123Subdomain(`${path}.${key}`, s[key] as string));
  }
  for (const key of ["hostname", "subdomain"]) {
    if (typeof s[key] === "string" && s[key] !== "")
      out.push(...dns1123Label(`${path}.${key}`, s[key] as string));
  }
  if (
    typeof s.activeDeadlineSeconds === "number" &&
    (s.activeDeadlineSeconds < 1 || s.activeDeadlineSeconds > 2147483647)
  ) {
    out.push(
      invalid(
        `${path}.activeDeadlineSeconds`,
        s.activeDeadlineSeconds,
        "must be between 1 and 2147483647, inclusive",
      ),
    );
  }
  // A negative terminationGracePeriodSeconds is accepted (deletion treats it as 1), as upstream.
  out.push(...validateTolerations(`${path}.tolerations`, s.tolerations));
  out.push(...validateAffinity(`${path}.affinity`, s.affinity));
  out.push(...validateTopologySpread(`${path}.topologySpreadConstraints`, s.topologySpreadConstraints));
  list(s, "imagePullSecrets").forEach((r, i) => {
    if (!isObject(r) || !r.name) out.push(required(`${path}.imagePullSecrets[${i}].name`));
  });
  return out;
}
