// The PodSecurity admission plugin (upstream's k8s.io/pod-security-admission admission.go): pods
// against their namespace's enforce (403) and warn levels, workload templates warn only (no audit
// log in kube), namespace labels validated, a stricter enforce level reports violating pods.
import type { Pod, PodSpec } from "kubernetes-types/core/v1";
import type { ObjectMeta } from "kubernetes-types/meta/v1";
import { StatusError } from "../../../../lib/errors/status-error.ts";
import { evaluatePod, forbiddenDetail, forbiddenReason, type Violations } from "./evaluate-pod.ts";
import type { PodSecurityConfig } from "./pod-security-config.ts";
import { podSpecOf, WORKLOAD_RESOURCES } from "./pod-spec-of.ts";
import {
  compareLevels,
  equivalentPolicies,
  fullyPrivileged,
  LABEL_PREFIX,
  type LevelVersion,
  levelVersionString,
  MODES,
  type Policy,
  policyToEvaluate,
  sameLevelVersion,
  versionString,
} from "./policy-level.ts";

/** One write as the plugin sees it (upstream's api.Attributes). */
export interface PodSecurityRequest {
  operation: "CREATE" | "UPDATE";
  group: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  username?: string;
  obj: Record<string, unknown>;
  old?: Record<string, unknown>;
}

export interface PodSecurityDeps {
  config: PodSecurityConfig;
  /** A namespace's labels; undefined when it does not exist. */
  namespaceLabels(name: string): Promise<Record<string, string> | undefined>;
  /** The pods of a namespace (for a stricter enforce label). */
  listPods(namespace: string): Promise<Pod[]>;
}

const IGNORED_POD_SUBRESOURCES = new Set([
  "exec",
  "attach",
  "binding",
  "eviction",
  "log",
  "portforward",
  "proxy",
  "status",
]);
const MAX_PODS_TO_CHECK = 3000;
const POD_CHECK_TIMEOUT_MS = 1000;

export class PodSecurityAdmission {
  constructor(private readonly deps: PodSecurityDeps) {}

  /** True when the plugin looks at writes of this resource. */
  handles(group: string, resource: string): boolean {
    return (group === "" && resource === "namespaces") || WORKLOAD_RESOURCES.has(`${group}/${resource}`);
  }

  /** Admits one write: returns the warnings to send back, or throws the refusal. */
  async validate(req: PodSecurityRequest): Promise<string[]> {
    if (!this.handles(req.group, req.resource)) return [];
    if (req.group === "" && req.resource === "namespaces") return this.validateNamespace(req);
    if (req.group === "" && req.resource === "pods") {
      if (IGNORED_POD_SUBRESOURCES.has(req.subresource)) return [];
    } else if (req.subresource !== "") return [];
    const { exemptions } = this.deps.config;
    if (exemptions.namespaces.includes(req.namespace)) return [];
    if (req.username && exemptions.usernames.includes(req.username)) return [];
    const labels = await this.deps.namespaceLabels(req.namespace);
    if (labels === undefined)
      throw StatusError.internal(`failed to lookup namespace ${JSON.stringify(req.namespace)}`);
    const { policy, errors } = policyToEvaluate(labels, this.deps.config.defaults);
    const isPod = req.group === "" && req.resource === "pods";
    if (errors.length === 0) {
      if (isPod && fullyPrivileged(policy)) return [];
      if (!isPod && policy.warn.level === "privileged" && policy.audit.level === "privileged") return [];
    }
    if (
      isPod &&
      req.operation === "UPDATE" &&
      req.old &&
      !significantPodUpdate(req.obj as Pod, req.old as Pod)
    )
      return [];
    const template = isPod
      ? { meta: (req.obj as Pod).metadata, spec: (req.obj as Pod).spec }
      : podSpecOf(req.resource, req.obj);
    if (!template) return [];
    return this.evaluate(policy, template.meta, template.spec, req, isPod);
  }

  private evaluate(
    policy: Policy,
    meta: ObjectMeta | undefined,
    spec: PodSpec | undefined,
    req: PodSecurityRequest,
    enforce: boolean,
  ): string[] {
    const runtimeClass = spec?.runtimeClassName;
    if (runtimeClass && this.deps.config.exemptions.runtimeClasses.includes(runtimeClass)) return [];
    const cache: [LevelVersion, Violations][] = [];
    const evaluate = (lv: LevelVersion) => {
      const hit = cache.find(([k]) => sameLevelVersion(k, lv));
      if (hit) return hit[1];
      const result = evaluatePod(lv, meta, spec);
      cache.push([lv, result]);
      return result;
    };
    if (enforce) {
      const result = evaluate(policy.enforce);
      if (!result.allowed)
        throw StatusError.forbidden(
          { group: req.group, resource: req.resource },
          req.name,
          `violates PodSecurity ${JSON.stringify(levelVersionString(policy.enforce))}: ${forbiddenDetail(result)}`,
        );
    }
    const warn = evaluate(policy.warn);
    if (warn.allowed) return [];
    return [
      `would violate PodSecurity ${JSON.stringify(levelVersionString(policy.warn))}: ${forbiddenDetail(warn)}`,
    ];
  }

  private async validateNamespace(req: PodSecurityRequest): Promise<string[]> {
    if (req.subresource !== "") return [];
    const labels = labelsOf(req.obj);
    const defaults = this.deps.config.defaults;
    const next = policyToEvaluate(labels, defaults);
    const exempt = this.deps.config.exemptions.namespaces.includes(req.name);
    const invalid = () => StatusError.invalid({ group: "", kind: "Namespace" }, req.name, next.errors);
    if (req.operation === "CREATE" || !req.old) {
      if (next.errors.length > 0) throw invalid();
      return exempt ? this.exemptWarning(req.name, next.policy, labels) : [];
    }
    const prev = policyToEvaluate(labelsOf(req.old), defaults);
    if (
      next.errors.length > 0 &&
      (prev.errors.length === 0 || JSON.stringify(next.errors) !== JSON.stringify(prev.errors))
    )
      throw invalid();
    const enforce = next.policy.enforce;
    const old = prev.policy.enforce;
    if (sameLevelVersion(enforce, old) || enforce.level === "privileged") return [];
    if (
      versionString(enforce.version) === versionString(old.version) &&
      compareLevels(enforce.level, old.level) < 1
    )
      return [];
    if (exempt) return this.exemptWarning(req.name, next.policy, labels);
    return this.evaluatePodsInNamespace(req.name, enforce);
  }

  private exemptWarning(name: string, policy: Policy, labels: Record<string, string>): string[] {
    if (fullyPrivileged(policy) || equivalentPolicies(policy, this.deps.config.defaults)) return [];
    const parts = MODES.filter(
      (m) =>
        policy[m].level !== "privileged" &&
        (labels[LABEL_PREFIX + m] !== undefined || labels[`${LABEL_PREFIX}${m}-version`] !== undefined),
    ).map((m) => `${m}=${levelVersionString(policy[m])}`);
    return [
      `namespace ${JSON.stringify(name)} is exempt from Pod Security, and the policy (${parts.join(", ")}) will be ignored`,
    ];
  }

  /** Upstream's EvaluatePodsInNamespace: one warning per distinct violation, pods of one controller last. */
  private async evaluatePodsInNamespace(namespace: string, enforce: LevelVersion): Promise<string[]> {
    let pods: Pod[];
    try {
      pods = await this.deps.listPods(namespace);
    } catch {
      return ["failed to list pods while checking new PodSecurity enforce level"];
    }
    const prioritized = this.prioritize(pods);
    const total = prioritized.length;
    const deadline = Date.now() + POD_CHECK_TIMEOUT_MS;
    const byWarning = new Map<string, { pod: string; count: number }>();
    let checked = 0;
    for (const pod of prioritized.slice(0, MAX_PODS_TO_CHECK)) {
      checked++;
      const result = evaluatePod(enforce, pod.metadata, pod.spec);
      if (!result.allowed) {
        const warning = forbiddenReason(result);
        const name = pod.metadata?.name ?? "";
        const seen = byWarning.get(warning);
        if (!seen) byWarning.set(warning, { pod: name, count: 1 });
        else {
          seen.count++;
          if (name < seen.pod) seen.pod = name;
        }
      }
      if (Date.now() > deadline) break;
    }
    const warnings: string[] = [];
    if (checked < total)
      warnings.push(
        `new PodSecurity enforce level only checked against the first ${checked} of ${total} existing pods`,
      );
    if (byWarning.size > 0)
      warnings.push(
        `existing pods in namespace ${JSON.stringify(namespace)} violate the new PodSecurity enforce level ${JSON.stringify(levelVersionString(enforce))}`,
      );
    const podWarnings = [...byWarning].map(([warning, { pod, count }]) =>
      count === 1
        ? `${pod}: ${warning}`
        : count === 2
          ? `${pod} (and 1 other pod): ${warning}`
          : `${pod} (and ${count - 1} other pods): ${warning}`,
    );
    return [...warnings, ...podWarnings.sort()];
  }

  private prioritize(pods: Pod[]): Pod[] {
    const first: Pod[] = [];
    const later: Pod[] = [];
    const controllers = new Set<string>();
    const exemptClasses = this.deps.config.exemptions.runtimeClasses;
    for (const pod of pods) {
      const runtimeClass = pod.spec?.runtimeClassName;
      if (runtimeClass && exemptClasses.includes(runtimeClass)) continue;
      const controller = pod.metadata?.ownerReferences?.find((r) => r.controller)?.uid;
      if (!controller) first.push(pod);
      else if (controllers.has(controller)) later.push(pod);
      else {
        controllers.add(controller);
        first.push(pod);
      }
    }
    return [...first, ...later];
  }
}

function labelsOf(obj: Record<string, unknown>): Record<string, string> {
  return ((obj.metadata as ObjectMeta | undefined)?.labels ?? {}) as Record<string, string>;
}

/** Upstream's isSignificantPodUpdate: only container images (and new ephemeral containers) can change. */
function significantPodUpdate(pod: Pod, old: Pod): boolean {
  const a = pod.spec;
  const b = old.spec;
  if ((a?.containers ?? []).length !== (b?.containers ?? []).length) return true;
  if ((a?.initContainers ?? []).length !== (b?.initContainers ?? []).length) return true;
  const images = (s: PodSpec | undefined) =>
    JSON.stringify([...(s?.initContainers ?? []), ...(s?.containers ?? [])].map((c) => c.image));
  if (images(a) !== images(b)) return true;
  const oldEphemeral = new Map((b?.ephemeralContainers ?? []).map((c) => [c.name, c.image]));
  return (a?.ephemeralContainers ?? []).some(
    (c) => !oldEphemeral.has(c.name) || oldEphemeral.get(c.name) !== c.image,
  );
}
