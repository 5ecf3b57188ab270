// Field checks shared by the workload kinds: non-negative counts and int-or-percent values.
// Upstream:
// pkg/apis/apps/validation/validation.go (ValidatePositiveIntOrPercent,
// IsNotMoreThan100Percent) and apimachinery ValidateNonnegativeField.
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import { invalid } from "./field-errors.ts";
import { invalidShown } from "./field-errors-extra.ts";
import { goIntOrString } from "./go-format.ts";
import { checkType } from "./type-checks.ts";

/** An optional integer that must be >= 0 (or >= min). */
export function nonNegative(field: string, v: unknown, min = 0): StatusCause[] {
  if (v === undefined || v === null) return [];
  const typed = checkType(field, v, "integer");
  if (typed.length) return typed;
  if ((v as number) < min) {
    return [
      invalid(
        field,
        v,
        min === 0 ? "must be greater than or equal to 0" : `must be greater than or equal to ${min}`,
      ),
    ];
  }
  return [];
}

const PERCENT = "[0-9]+%";

/** An IntOrString that must be a non-negative int or a percent; returns its value (percent as is). */
export function intOrPercent(field: string, v: unknown): StatusCause[] {
  if (v === undefined || v === null) return [];
  if (typeof v === "number") {
    if (!Number.isInteger(v)) return checkType(field, v, "integer");
    return v < 0 ? [invalidShown(field, goIntOrString(v), "must be greater than or equal to 0")] : [];
  }
  if (typeof v === "string") {
    if (!new RegExp(`^${PERCENT}$`).test(v)) {
      return [
        invalidShown(
          field,
          goIntOrString(v),
          `a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '${PERCENT}')`,
        ),
      ];
    }
    return [];
  }
  return checkType(field, v, "integer");
}

export function notMoreThan100Percent(field: string, v: unknown): StatusCause[] {
  if (typeof v === "string" && /^[0-9]+%$/.test(v) && Number.parseInt(v, 10) > 100) {
    return [invalidShown(field, goIntOrString(v), "must not be greater than 100%")];
  }
  return [];
}

/** Zero of an IntOrString ("0%" or 0) as getIntOrPercentValue sees it. */
export function isZeroIntOrPercent(v: unknown): boolean {
  return v === 0 || (typeof v === "string" && /^0+%$/.test(v));
}
