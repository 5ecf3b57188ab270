// addPatchExtensions: the strategic-merge and list-type markers of upstream's schemas
// (x-kubernetes-patch-strategy, -patch-merge-key, -list-type, -list-map-keys, -map-type), taken
// from the same facts the server patches with (patch/builtin-patch-meta.ts), so kubectl's
// client-side patch computation and the server agree.
import { refName, type Schema, type Schemas } from "../../../assets/openapi/schema.ts";
import { patchMetaFor } from "../patch/builtin-patch-meta.ts";
import { listKind, type PatchMeta } from "../patch/patch-meta.ts";

/** Annotate, in place, the schemas reachable from every built-in kind that has patch facts. */
export function addPatchExtensions(schemas: Schemas): void {
  for (const [name, schema] of Object.entries(schemas)) {
    for (const gvk of schema["x-kubernetes-group-version-kind"] ?? []) {
      const meta = patchMetaFor(gvk.group === "" ? gvk.version : `${gvk.group}/${gvk.version}`, gvk.kind);
      if (meta) annotateType(schemas, name, meta);
    }
  }
}

function annotateType(schemas: Schemas, name: string, meta: PatchMeta): void {
  const schema = schemas[name];
  if (!schema) return;
  if (meta.atomic) schema["x-kubernetes-map-type"] = "atomic";
  for (const [field, fieldMeta] of Object.entries(meta.fields ?? {})) {
    const property = schema.properties?.[field];
    if (!property) continue;
    annotateField(property, fieldMeta);
    const target = valueType(property);
    if (target) annotateType(schemas, target, fieldMeta);
    const values = fieldMeta.values;
    const mapValue = property.additionalProperties;
    if (values && typeof mapValue === "object") {
      const valueTarget = valueType(mapValue);
      if (valueTarget) annotateType(schemas, valueTarget, values);
    }
  }
}

function annotateField(property: Schema, meta: PatchMeta): void {
  const strategies = [meta.strategy, meta.retainKeys ? "retainKeys" : undefined].filter(
    (s) => s !== undefined,
  );
  if (strategies.length > 0) property["x-kubernetes-patch-strategy"] = strategies.join(",");
  if (meta.mergeKey !== undefined) property["x-kubernetes-patch-merge-key"] = meta.mergeKey;
  if (property.type !== "array") return;
  const kind = listKind(meta);
  if (kind.type === "map") {
    property["x-kubernetes-list-type"] = "map";
    property["x-kubernetes-list-map-keys"] = [...kind.keys];
  } else if (kind.type === "set") property["x-kubernetes-list-type"] = "set";
}

/** The component a field's value (or, for a list, each item) is described by. */
function valueType(property: Schema): string | undefined {
  const value = property.items ?? property;
  const ref = value.$ref ?? value.allOf?.[0]?.$ref;
  return ref === undefined ? undefined : refName(ref);
}
