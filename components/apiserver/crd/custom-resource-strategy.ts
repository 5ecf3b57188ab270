// The strategy of a custom resource: generation bumps on any change outside metadata and
// status, status kept out of main-resource writes when the version has a status subresource,
// and the version's structural schema for defaulting, pruning and validation.
// Upstream: apiextensions-apiserver pkg/registry/customresource/strategy.go.
import type { KObject } from "../registry/object.ts";
import type { Strategy } from "../registry/strategy.ts";
import type { CrdVersion } from "./crd-resources.ts";
import { applyDefaults, prune, validateSchema } from "./structural-schema.ts";

type Json = Parameters<typeof prune>[0];

export function customResourceStrategy(version: CrdVersion): Strategy {
  const schema = version.schema?.openAPIV3Schema;
  const shape = (obj: KObject): void => {
    if (!schema) return;
    const pruned = prune(applyDefaults(obj as unknown as Json, schema), schema) as Record<string, unknown>;
    for (const k of Object.keys(obj)) if (!(k in pruned)) delete obj[k];
    Object.assign(obj, pruned);
  };
  return {
    generation: true,
    defaults: shape,
    prepareForCreate(obj) {
      if (version.subresources?.status) delete obj.status;
    },
    prepareForUpdate(obj) {
      shape(obj);
    },
    validate: (obj) => validateSchema(obj, schema),
  };
}
