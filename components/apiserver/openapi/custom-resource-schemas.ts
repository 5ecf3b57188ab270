// customResourceSchemas: the component schemas of one served custom resource version, built from
// its CRD's structural schema as upstream's CRD OpenAPI builder does: named by the reversed group
// (`com.example.stable.v1.CronTab`), with apiVersion, kind, metadata and the GVK added, plus a List.
import { type Schema, type Schemas, schemaRef } from "../../../assets/openapi/schema.ts";
import type { GroupVersionKind } from "../../../lib/api/resources.ts";
import { builtinSchemas } from "./builtin-schemas.ts";

const META = "io.k8s.apimachinery.pkg.apis.meta.v1";

/** The schema name upstream gives a custom kind. */
export function customResourceSchemaName(gvk: GroupVersionKind): string {
  return [...gvk.group.split(".").reverse(), gvk.version, gvk.kind].join(".");
}

/**
 * The schemas to serve for custom resource `gvk`, given the version's `schema.openAPIV3Schema`
 * (undefined: any content, as with `x-kubernetes-preserve-unknown-fields` at the root): any JSON
 * schema object, since kubernetes-types' JSONSchemaProps leaves out the x-kubernetes-* fields.
 */
export function customResourceSchemas(gvk: GroupVersionKind, openAPIV3Schema: object | undefined): Schemas {
  const name = customResourceSchemaName(gvk);
  const pod = builtinSchemas()["io.k8s.api.core.v1.Pod"]?.properties ?? {};
  const typeMeta = { apiVersion: pod.apiVersion ?? { type: "string" }, kind: pod.kind ?? { type: "string" } };
  const root: Schema = openAPIV3Schema
    ? (structuredClone(openAPIV3Schema) as Schema)
    : { type: "object", "x-kubernetes-preserve-unknown-fields": true };
  const kind: Schema = {
    ...root,
    type: "object",
    properties: {
      ...root.properties,
      ...typeMeta,
      metadata: {
        allOf: [{ $ref: schemaRef(`${META}.ObjectMeta`) }],
        description: pod.metadata?.description,
      },
    },
    "x-kubernetes-group-version-kind": [{ ...gvk }],
  };
  const list: Schema = {
    description: `${gvk.kind}List is a list of ${gvk.kind}`,
    type: "object",
    required: ["items"],
    properties: {
      ...typeMeta,
      items: { type: "array", items: { $ref: schemaRef(name) } },
      metadata: { allOf: [{ $ref: schemaRef(`${META}.ListMeta`) }] },
    },
    "x-kubernetes-group-version-kind": [{ ...gvk, kind: `${gvk.kind}List` }],
  };
  return { [name]: kind, [`${name}List`]: list };
}
