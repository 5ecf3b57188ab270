// The OpenAPI v3 schema object as kube serves it: the subset upstream's documents use, plus
// the Kubernetes extensions (x-kubernetes-*). Shared by the generator and the apiserver.

export interface GroupVersionKindRef {
  group: string;
  version: string;
  kind: string;
}

export interface Schema {
  $ref?: string;
  description?: string;
  type?: "object" | "array" | "string" | "integer" | "number" | "boolean";
  format?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  required?: string[];
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  enum?: unknown[];
  default?: unknown;
  nullable?: boolean;
  "x-kubernetes-group-version-kind"?: GroupVersionKindRef[];
  "x-kubernetes-list-type"?: "atomic" | "set" | "map";
  "x-kubernetes-list-map-keys"?: string[];
  "x-kubernetes-map-type"?: "atomic" | "granular";
  "x-kubernetes-patch-merge-key"?: string;
  "x-kubernetes-patch-strategy"?: string;
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  "x-kubernetes-embedded-resource"?: boolean;
  "x-kubernetes-int-or-string"?: boolean;
  [extension: `x-${string}`]: unknown;
}

/** Component schemas by upstream name (`io.k8s.api.core.v1.Pod`). */
export type Schemas = Record<string, Schema>;

/** The `$ref` value pointing at component schema `name`. */
export function schemaRef(name: string): string {
  return `#/components/schemas/${name}`;
}

/** The component name a `$ref` points at. */
export function refName(ref: string): string {
  return ref.slice(ref.lastIndexOf("/") + 1);
}
