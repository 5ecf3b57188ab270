// Resource quantities as the scheduler counts them (apimachinery pkg/api/resource): cpu in
// millicores, everything else in whole units, rounded up as Quantity.MilliValue/Value do.

import { parseQuantity } from "../../lib/api/quantity.ts";

/** Millicores of a cpu quantity ("250m" → 250, "2" → 2000), rounded up. */
export function milliValue(text: string | number | undefined): number {
  const value = parseQuantity(text);
  return Number.isNaN(value) ? 0 : Math.ceil(Math.round(value * 1e6) / 1e3);
}

/** Whole units of a quantity ("64Mi" → 67108864, "1k" → 1000), rounded up. */
export function unitValue(text: string | number | undefined): number {
  const value = parseQuantity(text);
  return Number.isNaN(value) ? 0 : Math.ceil(value);
}
