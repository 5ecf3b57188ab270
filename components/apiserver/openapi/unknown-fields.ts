// unknownFields: the fields of an object its kind's schema does not know, as paths in upstream's
// strict-decoding format (`spec.containers[0].imagePullPolice`; sigs.k8s.io/json joins struct
// fields and map keys with "." and appends list indexes). Duplicate fields are gone after
// JSON.parse, so they are not reported.

import { refName, type Schema } from "../../../assets/openapi/schema.ts";
import { parseApiVersion } from "../../../lib/api/resources.ts";
import { SchemaCatalog } from "./schema-catalog.ts";

/**
 * Types that hold any JSON (Go decodes them raw, so nothing inside is unknown): embedded objects
 * (RawExtension), managed field sets (FieldsV1), and apiextensions' JSON values.
 */
const OPAQUE = new Set([
  "io.k8s.apimachinery.pkg.runtime.RawExtension",
  "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1",
  "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON",
]);

/** What an `x-kubernetes-embedded-resource` object has besides the fields its schema lists. */
const EMBEDDED: Record<string, Schema> = {
  apiVersion: { type: "string" },
  kind: { type: "string" },
  metadata: { $ref: "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta" },
};

let builtinCatalog: SchemaCatalog | undefined;

/**
 * Paths of the fields of `obj` unknown to the schema of `apiVersion`/`kind`, in document order;
 * empty when the kind has no schema. `catalog` adds custom resources to the built-in kinds.
 */
export function unknownFields(
  apiVersion: string,
  kind: string,
  obj: unknown,
  catalog?: SchemaCatalog,
): string[] {
  builtinCatalog ??= new SchemaCatalog();
  const schemas = catalog ?? builtinCatalog;
  const name = schemas.kindSchemaName({ ...parseApiVersion(apiVersion), kind });
  const schema = name === undefined ? undefined : schemas.schema(name);
  const found: string[] = [];
  if (schema && name !== undefined) new Walker(schemas, found).value(resolve(schemas, schema, name), obj, "");
  return found;
}

interface Resolved {
  schema: Schema;
  /** The component the schema came from, if it was a reference. */
  name: string | undefined;
}

/** Follow `$ref` and one-element `allOf` wrappers to the schema that describes the value. */
function resolve(catalog: SchemaCatalog, schema: Schema, name?: string): Resolved {
  let current: Resolved = { schema, name };
  for (let depth = 0; depth < 16; depth++) {
    const s = current.schema;
    const ref = s.$ref ?? (s.allOf?.length === 1 && !s.properties ? s.allOf[0]?.$ref : undefined);
    if (ref === undefined) break;
    const target = catalog.schema(refName(ref));
    if (!target) break;
    current = { schema: target, name: refName(ref) };
  }
  return current;
}

class Walker {
  constructor(
    private readonly catalog: SchemaCatalog,
    private readonly found: string[],
  ) {}

  value({ schema, name }: Resolved, value: unknown, path: string): void {
    if (value === null || typeof value !== "object") return;
    if (name !== undefined && OPAQUE.has(name)) return;
    if (Array.isArray(value)) {
      if (!schema.items) return;
      const items = resolve(this.catalog, schema.items);
      value.forEach((item, i) => {
        this.value(items, item, `${path}[${i}]`);
      });
      return;
    }
    this.object(schema, value as Record<string, unknown>, path);
  }

  private object(schema: Schema, obj: Record<string, unknown>, path: string): void {
    const preserve = schema["x-kubernetes-preserve-unknown-fields"] === true;
    const extra = schema.additionalProperties;
    // A schema with no type and no structure describes any JSON value (JSONSchemaPropsOrBool ...).
    if (!schema.type && !schema.properties && extra === undefined) return;
    if (schema.type !== undefined && schema.type !== "object") return;
    const embedded = schema["x-kubernetes-embedded-resource"] === true;
    for (const [key, child] of Object.entries(obj)) {
      const childPath = path === "" ? key : `${path}.${key}`;
      const property =
        schema.properties && Object.hasOwn(schema.properties, key)
          ? schema.properties[key]
          : embedded && Object.hasOwn(EMBEDDED, key)
            ? EMBEDDED[key]
            : undefined;
      if (property) this.value(resolve(this.catalog, property), child, childPath);
      else if (typeof extra === "object") this.value(resolve(this.catalog, extra), child, childPath);
      else if (!preserve && extra !== true) this.found.push(childPath);
    }
  }
}
