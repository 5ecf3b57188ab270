// A LabelSelector of a spec (matchLabels, matchExpressions) as upstream validates it
// (k8s.io/apimachinery pkg/apis/meta/v1/validation ValidateLabelSelector).
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import { forbidden, invalid, required } from "./field-errors.ts";
import { labelMap, labelValueErrors, qualifiedName } from "./qualified-name.ts";

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

export function labelSelector(field: string, selector: unknown): StatusCause[] {
  if (selector === undefined || selector === null) return [];
  if (!isRecord(selector)) return [invalid(field, selector, "must be an object")];
  const out = labelMap(`${field}.matchLabels`, selector.matchLabels);
  const exprs = selector.matchExpressions;
  if (exprs === undefined || exprs === null) return out;
  if (!Array.isArray(exprs)) return [...out, invalid(`${field}.matchExpressions`, exprs, "must be a list")];
  exprs.forEach((e, i) => {
    const path = `${field}.matchExpressions[${i}]`;
    if (!isRecord(e)) {
      out.push(invalid(path, e, "must be an object"));
      return;
    }
    const values = Array.isArray(e.values) ? e.values : [];
    switch (e.operator) {
      case "In":
      case "NotIn":
        if (values.length === 0) {
          out.push(required(`${path}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
        }
        break;
      case "Exists":
      case "DoesNotExist":
        if (values.length > 0) {
          out.push(
            forbidden(`${path}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"),
          );
        }
        break;
      default:
        out.push(invalid(`${path}.operator`, e.operator ?? "", "not a valid selector operator"));
    }
    out.push(...qualifiedName(`${path}.key`, typeof e.key === "string" ? e.key : ""));
    values.forEach((v, j) => {
      const s = typeof v === "string" ? v : String(v);
      for (const m of labelValueErrors(s)) out.push(invalid(`${path}.values[${j}]`, v, m));
    });
  });
  return out;
}

/** True when the selector has neither matchLabels nor matchExpressions. */
export function isEmptySelector(selector: Record<string, unknown>): boolean {
  const ml = selector.matchLabels;
  const me = selector.matchExpressions;
  return (!isRecord(ml) || Object.keys(ml).length === 0) && (!Array.isArray(me) || me.length === 0);
}
