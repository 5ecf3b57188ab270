// Node selector terms against a node (upstream component-helpers nodeaffinity): terms are
// ORed, a term's matchExpressions (labels) and matchFields (metadata.name) are ANDed; an empty
// term matches nothing. Operators In, NotIn, Exists, DoesNotExist, Gt, Lt.

import type { NodeSelectorRequirement, NodeSelectorTerm, Pod } from "kubernetes-types/core/v1";
import type { NodeInfo } from "./node-info.ts";

function requirementMatches(r: NodeSelectorRequirement, value: string | undefined): boolean {
  const has = value !== undefined;
  const values = r.values ?? [];
  switch (r.operator) {
    case "In":
      return has && values.includes(value);
    case "NotIn":
      return !has || !values.includes(value);
    case "Exists":
      return has;
    case "DoesNotExist":
      return !has;
    case "Gt":
    case "Lt": {
      if (!has || !/^-?\d+$/.test(value) || !/^-?\d+$/.test(values[0] ?? "")) return false;
      return r.operator === "Gt" ? Number(value) > Number(values[0]) : Number(value) < Number(values[0]);
    }
    default:
      return false;
  }
}

export function termMatchesNode(term: NodeSelectorTerm, node: NodeInfo): boolean {
  const expressions = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (expressions.length === 0 && fields.length === 0) return false;
  for (const r of expressions) if (!requirementMatches(r, node.labels[r.key])) return false;
  for (const r of fields) {
    if (r.key !== "metadata.name" || !requirementMatches(r, node.name)) return false;
  }
  return true;
}

/** The pod's nodeSelector and required node affinity both hold for the node. */
export function podMatchesNodeSelectorAndAffinity(pod: Pod, node: NodeInfo): boolean {
  for (const [key, value] of Object.entries(pod.spec?.nodeSelector ?? {}))
    if (node.labels[key] !== value) return false;
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!required) return true;
  return required.nodeSelectorTerms.some((t) => termMatchesNode(t, node));
}
