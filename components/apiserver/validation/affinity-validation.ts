// Validation of a PodSpec's scheduling constraints: node affinity (selector terms and their
// operators), pod (anti-)affinity terms and topology spread constraints. Upstream:
// pkg/apis/core/validation/validation.go validateAffinity, ValidateNodeSelectorRequirement,
// validateTopologySpreadConstraints.
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import { duplicate, forbidden, invalid, notSupported, required } from "./field-errors.ts";
import { child, isObject, type JsonObject, list, objects } from "./json.ts";
import { labelSelector } from "./label-selector.ts";
import { qualifiedName } from "./qualified-name.ts";
import { checkType } from "./type-checks.ts";

function nodeSelectorRequirement(at: string, r: JsonObject): StatusCause[] {
  const out: StatusCause[] = [];
  const values = list(r, "values");
  switch (r.operator) {
    case "In":
    case "NotIn":
      if (values.length === 0)
        out.push(required(`${at}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case "Exists":
    case "DoesNotExist":
      if (values.length > 0)
        out.push(
          forbidden(`${at}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"),
        );
      break;
    case "Gt":
    case "Lt":
      if (values.length !== 1)
        out.push(required(`${at}.values`, "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      break;
    default:
      out.push(invalid(`${at}.operator`, r.operator ?? "", "not a valid selector operator"));
  }
  out.push(...qualifiedName(`${at}.key`, typeof r.key === "string" ? r.key : ""));
  return out;
}

function nodeSelectorTerm(at: string, term: JsonObject): StatusCause[] {
  const out: StatusCause[] = [];
  for (const [r, j] of objects(term, "matchExpressions"))
    out.push(...nodeSelectorRequirement(`${at}.matchExpressions[${j}]`, r));
  for (const [r, j] of objects(term, "matchFields")) {
    const fat = `${at}.matchFields[${j}]`;
    if (r.key !== "metadata.name")
      out.push(invalid(`${fat}.key`, r.key ?? "", "not a valid field selector key"));
    if (r.operator !== "In" && r.operator !== "NotIn")
      out.push(invalid(`${fat}.operator`, r.operator ?? "", "not a valid selector operator"));
    else if (list(r, "values").length !== 1)
      out.push(
        required(
          `${fat}.values`,
          "must be only one value when `operator` is 'In' or 'NotIn' for node field selector",
        ),
      );
  }
  return out;
}

function weight(at: string, w: unknown): StatusCause[] {
  return typeof w === "number" && w >= 1 && w <= 100
    ? []
    : [invalid(at, w ?? 0, "must be in the range 1-100")];
}

function podAffinityTerm(at: string, term: JsonObject): StatusCause[] {
  const out = labelSelector(`${at}.labelSelector`, term.labelSelector);
  out.push(...labelSelector(`${at}.namespaceSelector`, term.namespaceSelector));
  if (!term.topologyKey) out.push(required(`${at}.topologyKey`, "can not be empty"));
  else if (typeof term.topologyKey === "string")
    out.push(...qualifiedName(`${at}.topologyKey`, term.topologyKey));
  return out;
}

function podAffinity(at: string, affinity: JsonObject | undefined): StatusCause[] {
  const out: StatusCause[] = [];
  for (const [t, i] of objects(affinity, "requiredDuringSchedulingIgnoredDuringExecution")) {
    out.push(...podAffinityTerm(`${at}.requiredDuringSchedulingIgnoredDuringExecution[${i}]`, t));
  }
  for (const [t, i] of objects(affinity, "preferredDuringSchedulingIgnoredDuringExecution")) {
    const pat = `${at}.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
    out.push(...weight(`${pat}.weight`, t.weight));
    out.push(...podAffinityTerm(`${pat}.podAffinityTerm`, child(t, "podAffinityTerm") ?? {}));
  }
  return out;
}

export function validateAffinity(path: string, affinity: unknown): StatusCause[] {
  if (affinity === undefined || affinity === null) return [];
  if (!isObject(affinity)) return checkType(path, affinity, "object");
  const out: StatusCause[] = [];
  const node = child(affinity, "nodeAffinity");
  const req = child(node, "requiredDuringSchedulingIgnoredDuringExecution");
  if (req) {
    const rat = `${path}.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution`;
    const terms = objects(req, "nodeSelectorTerms");
    if (terms.length === 0)
      out.push(required(`${rat}.nodeSelectorTerms`, "must have at least one node selector term"));
    for (const [t, i] of terms) out.push(...nodeSelectorTerm(`${rat}.nodeSelectorTerms[${i}]`, t));
  }
  for (const [p, i] of objects(node, "preferredDuringSchedulingIgnoredDuringExecution")) {
    const pat = `${path}.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
    out.push(...weight(`${pat}.weight`, p.weight));
    out.push(...nodeSelectorTerm(`${pat}.preference`, child(p, "preference") ?? {}));
  }
  out.push(...podAffinity(`${path}.podAffinity`, child(affinity, "podAffinity")));
  out.push(...podAffinity(`${path}.podAntiAffinity`, child(affinity, "podAntiAffinity")));
  return out;
}

const UNSATISFIABLE = ["DoNotSchedule", "ScheduleAnyway"];

export function validateTopologySpread(path: string, constraints: unknown): StatusCause[] {
  if (constraints === undefined || constraints === null) return [];
  if (!Array.isArray(constraints)) return checkType(path, constraints, "array");
  const out: StatusCause[] = [];
  const seen = new Set<string>();
  constraints.forEach((c, i) => {
    const at = `${path}[${i}]`;
    if (!isObject(c)) {
      out.push(...checkType(at, c, "object"));
      return;
    }
    if (typeof c.maxSkew !== "number" || c.maxSkew <= 0)
      out.push(invalid(`${at}.maxSkew`, c.maxSkew ?? 0, "must be greater than zero"));
    if (c.minDomains !== undefined && c.minDomains !== null) {
      if (typeof c.minDomains !== "number" || c.minDomains <= 0)
        out.push(invalid(`${at}.minDomains`, c.minDomains, "must be greater than 0"));
      else if (c.whenUnsatisfiable !== "DoNotSchedule") {
        out.push(
          invalid(
            `${at}.minDomains`,
            c.minDomains,
            "can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ScheduleAnyway",
          ),
        );
      }
    }
    const key = typeof c.topologyKey === "string" ? c.topologyKey : "";
    if (key === "") out.push(required(`${at}.topologyKey`, "can not be empty"));
    else out.push(...qualifiedName(`${at}.topologyKey`, key));
    if (!UNSATISFIABLE.includes(c.whenUnsatisfiable as string)) {
      out.push(notSupported(`${at}.whenUnsatisfiable`, c.whenUnsatisfiable ?? "", UNSATISFIABLE));
    }
    const pair = `{${key}, ${String(c.whenUnsatisfiable ?? "")}}`;
    if (seen.has(pair)) out.push(duplicate(at, pair));
    seen.add(pair);
    out.push(...labelSelector(`${at}.labelSelector`, c.labelSelector));
  });
  return out;
}
