// numberSchema: the OpenAPI type and format of a numeric field. TypeScript only says `number`;
// upstream's Go types say int32, int64 or float64. The rule below is a table of facts.

import type { Schema } from "./schema.ts";

/**
 * Field names that are int64 in every upstream type that has them (Go `int64`/`*int64`):
 * generations and revisions, user and group ids, grace and deadline periods counted in seconds
 * by the API machinery, list sizes in JSON schemas, image sizes. Every other integer is int32:
 * counts, replicas, ports, percentages, probe timings, thresholds, weights and priorities.
 */
const INT64 = new Set([
  "activeDeadlineSeconds",
  "deletionGracePeriodSeconds",
  "expirationSeconds",
  "fsGroup",
  "generation",
  "gracePeriodSeconds",
  "int",
  "ints",
  "maxItems",
  "maxLength",
  "maxProperties",
  "minItems",
  "minLength",
  "minProperties",
  "observedGeneration",
  "remainingItemCount",
  "revision",
  "runAsGroup",
  "runAsUser",
  "seconds",
  "sizeBytes",
  "startingDeadlineSeconds",
  "supplementalGroups",
  "terminationGracePeriodSeconds",
  "tolerationSeconds",
]);

/** float64 fields: the numeric bounds of apiextensions' JSONSchemaProps. */
const DOUBLE = new Set(["maximum", "minimum", "multipleOf"]);

/** The schema of a number-typed field (or of the items of a number-array field) named `field`. */
export function numberSchema(field: string): Schema {
  if (DOUBLE.has(field)) return { type: "number", format: "double" };
  return { type: "integer", format: INT64.has(field) ? "int64" : "int32" };
}
