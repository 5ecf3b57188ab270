// The selector of a workload and its match with the pod template's labels, worded as
// upstream (pkg/apis/apps/validation/validation.go ValidateDeploymentSpec and
// ValidatePodTemplateSpecForReplicaSet; pkg/apis/core/validation ValidateReplicationControllerSpec).
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import { fromLabelSelector, type LabelSelector, matches } from "../../../lib/labels/selector.ts";
import { forbidden, notSupported, required } from "./field-errors.ts";
import { invalidShown } from "./field-errors-extra.ts";
import { goLabelSelector, goStringMap } from "./go-format.ts";
import { child, isObject, type JsonObject, stringMap } from "./json.ts";
import { isEmptySelector, labelSelector } from "./label-selector.ts";
import { validatePodTemplate } from "./pod-template-validation.ts";
import { labelMap } from "./qualified-name.ts";

const MISMATCH = "`selector` does not match template `labels`";

function templateLabels(spec: JsonObject): Record<string, string> | undefined {
  const labels = child(child(spec, "template"), "metadata")?.labels;
  return isObject(labels) ? stringMap(labels) : undefined;
}

export interface WorkloadOptions {
  /** Upstream's detail for an empty selector ("empty selector is invalid for deployment"). */
  emptySelector: string;
  /** Kind named in "activeDeadlineSeconds in <kind> is not Supported"; also requires restartPolicy Always. */
  alwaysRestartKind?: string;
  /** Restart policies the template accepts (jobs). */
  restartPolicies?: string[];
  /** The caller validates the template itself (jobs validate it with the rest of the job spec). */
  skipTemplate?: boolean;
}

/** spec.selector (a LabelSelector) and spec.template of an apps/v1 or batch/v1 workload. */
export function validateSelectorAndTemplate(
  path: string,
  spec: JsonObject,
  opts: WorkloadOptions,
): StatusCause[] {
  const out: StatusCause[] = [];
  const sel = spec.selector;
  let selector: ReturnType<typeof fromLabelSelector>;
  if (sel === undefined || sel === null) out.push(required(`${path}.selector`));
  else {
    const causes = labelSelector(`${path}.selector`, sel);
    out.push(...causes);
    if (isObject(sel) && isEmptySelector(sel)) {
      out.push(invalidShown(`${path}.selector`, goLabelSelector(sel), opts.emptySelector));
    }
    if (causes.length > 0) {
      out.push(invalidShown(`${path}.selector`, goLabelSelector(sel), "invalid label selector"));
      selector = [];
    } else {
      try {
        selector = fromLabelSelector(sel as LabelSelector);
      } catch {
        selector = undefined;
      }
    }
  }
  out.push(
    ...templateChecks(
      path,
      spec,
      opts,
      (labels) => selector !== undefined && (selector.length === 0 || matches(selector, labels)),
    ),
  );
  return out;
}

/** spec.selector (a plain map) and spec.template of a ReplicationController. */
export function validateMapSelectorAndTemplate(path: string, spec: JsonObject): StatusCause[] {
  const out: StatusCause[] = [];
  const sel = spec.selector;
  const map = stringMap(sel);
  out.push(...labelMap(`${path}.selector`, sel));
  if (Object.keys(map).length === 0) out.push(required(`${path}.selector`));
  if (spec.template === undefined || spec.template === null) return [...out, required(`${path}.template`)];
  out.push(
    ...templateChecks(
      path,
      spec,
      { emptySelector: "", alwaysRestartKind: "ReplicationController" },
      (labels) => Object.entries(map).every(([k, v]) => labels?.[k] === v),
    ),
  );
  return out;
}

function templateChecks(
  path: string,
  spec: JsonObject,
  opts: WorkloadOptions,
  selects: (labels: Record<string, string> | undefined) => boolean,
): StatusCause[] {
  const out: StatusCause[] = [];
  const labels = templateLabels(spec);
  if (!selects(labels))
    out.push(invalidShown(`${path}.template.metadata.labels`, goStringMap(labels), MISMATCH));
  if (!opts.skipTemplate) {
    const policies = opts.restartPolicies ? { restartPolicies: opts.restartPolicies } : {};
    out.push(...validatePodTemplate(`${path}.template`, spec.template ?? {}, policies));
  }
  const podSpec = child(child(spec, "template"), "spec");
  if (opts.alwaysRestartKind && podSpec) {
    const restart = podSpec.restartPolicy;
    if (typeof restart === "string" && restart !== "Always") {
      out.push(notSupported(`${path}.template.spec.restartPolicy`, restart, ["Always"]));
    }
    if (podSpec.activeDeadlineSeconds !== undefined && podSpec.activeDeadlineSeconds !== null) {
      out.push(
        forbidden(
          `${path}.template.spec.activeDeadlineSeconds`,
          `activeDeadlineSeconds in ${opts.alwaysRestartKind} is not Supported`,
        ),
      );
    }
  }
  return out;
}
