// The LimitRange strategy: SetDefaults_LimitRangeItem for Container limits (default from max,
// defaultRequest from default or min) and the ordering min <= defaultRequest <= default <= max.
// Upstream: pkg/apis/core/v1/defaults.go, pkg/apis/core/validation ValidateLimitRange.

import { QUANTITY_MESSAGE, quantityNanos } from "../../../lib/api/quantity.ts";
import { formatQuantity } from "../../../lib/api/quantity-format.ts";
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import type { Strategy } from "../registry/strategy.ts";
import { invalid, required } from "../validation/field-errors.ts";
import { child, ensure, isObject, type JsonObject, objects } from "../validation/json.ts";
import { checkType } from "../validation/type-checks.ts";

const KEYS = ["max", "min", "default", "defaultRequest", "maxLimitRequestRatio"];

function defaultItem(item: JsonObject): void {
  if (item.type !== "Container") return;
  const def = ensure(item, "default");
  const req = ensure(item, "defaultRequest");
  if (!def || !req) return;
  for (const [k, v] of Object.entries(child(item, "max") ?? {})) if (!(k in def)) def[k] = v;
  for (const [k, v] of Object.entries(def)) if (!(k in req)) req[k] = v;
  for (const [k, v] of Object.entries(child(item, "min") ?? {})) if (!(k in req)) req[k] = v;
}

function compare(
  at: string,
  item: JsonObject,
  lo: string,
  hi: string,
  message: (a: string, b: string) => string,
): StatusCause[] {
  const out: StatusCause[] = [];
  const low = child(item, lo) ?? {};
  const high = child(item, hi) ?? {};
  for (const [k, v] of Object.entries(low)) {
    const a = quantityNanos(v);
    const b = quantityNanos(high[k]);
    if (a !== undefined && b !== undefined && a > b) {
      out.push(
        invalid(
          `${at}.${lo}[${k}]`,
          formatQuantity(String(v)),
          message(formatQuantity(String(v)), formatQuantity(String(high[k]))),
        ),
      );
    }
  }
  return out;
}

export const limitRangeStrategy: Strategy = {
  defaults(obj) {
    for (const [item] of objects(child(obj, "spec"), "limits")) defaultItem(item);
  },
  validate(obj) {
    const spec = obj.spec;
    if (!isObject(spec)) return spec === undefined ? [] : checkType("spec", spec, "object");
    const out: StatusCause[] = [];
    for (const [item, i] of objects(spec, "limits")) {
      const at = `spec.limits[${i}]`;
      if (!item.type) out.push(required(`${at}.type`));
      for (const key of KEYS) {
        for (const [k, v] of Object.entries(child(item, key) ?? {})) {
          const n = quantityNanos(v);
          if (n === undefined) out.push(invalid(`${at}.${key}[${k}]`, v, QUANTITY_MESSAGE));
          else if (n < 0n) out.push(invalid(`${at}.${key}[${k}]`, v, "must be greater than or equal to 0"));
        }
      }
      out.push(...compare(at, item, "min", "max", (a, b) => `min value ${a} is greater than max value ${b}`));
      out.push(
        ...compare(
          at,
          item,
          "defaultRequest",
          "max",
          (a, b) => `default request value ${a} is greater than max value ${b}`,
        ),
      );
      out.push(
        ...compare(at, item, "default", "max", (a, b) => `default value ${a} is greater than max value ${b}`),
      );
      out.push(
        ...compare(
          at,
          item,
          "min",
          "defaultRequest",
          (a, b) => `min value ${a} is greater than default request value ${b}`,
        ),
      );
      out.push(
        ...compare(
          at,
          item,
          "defaultRequest",
          "default",
          (a, b) => `default request value ${a} is greater than default limit value ${b}`,
        ),
      );
    }
    return out;
  },
};
