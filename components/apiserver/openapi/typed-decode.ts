// typedDecode: a request body checked as upstream's decoder reads it into the kind's Go structs
// (sigs.k8s.io/json, a fork of encoding/json): the first value of the wrong JSON type, an integer
// out of its int32/int64 range, a malformed Quantity, IntOrString or Time, and every unknown
// field, which is removed from the object (upstream drops what its structs do not hold).
import { refName, type Schema } from "../../../assets/openapi/schema.ts";
import { parseApiVersion } from "../../../lib/api/resources.ts";
import { type Ctx, ctxRoot, fieldsOf, pathOf } from "./decode-path.ts";
import { SchemaCatalog } from "./schema-catalog.ts";

/** The first value Go could not decode, with the context Go's UnmarshalTypeError prints. */
export interface TypeMismatch {
  /** Go's value description: `number`, `number 1.5`, `string`, `bool`, `object`, `array`. */
  value: string;
  /** The Go type it was decoded into (`string`, `int32`, `map[string]string`, `v1.ObjectMeta`). */
  goType: string;
  /** The innermost Go struct holding the field (`ObjectMeta`), empty at the top. */
  struct: string;
  /** The struct fields from the top, as Go joins them (`metadata.labels`; no indexes or keys). */
  field: string;
  /** The full path with indexes and map keys (`spec.containers[0].image`). */
  path: string;
  /** An error of a type's own unmarshaler (Quantity, Time) that Go prints as it is. */
  custom?: string;
}

export interface TypedDecodeResult {
  mismatch: TypeMismatch | undefined;
  /** Unknown fields in strict-decoding format (`spec.x`), already removed from the object. */
  unknown: string[];
}

/** Types that hold any JSON (Go decodes them raw). */
const OPAQUE = new Set([
  "io.k8s.apimachinery.pkg.runtime.RawExtension",
  "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1",
  "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON",
]);
const QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity";
const INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
const TIMES = new Set([
  "io.k8s.apimachinery.pkg.apis.meta.v1.Time",
  "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime",
]);
const EMBEDDED: Record<string, Schema> = {
  apiVersion: { type: "string" },
  kind: { type: "string" },
  metadata: { $ref: "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta" },
};
const QUANTITY_FORMAT =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const INT_RANGES: Record<string, [number, number]> = {
  int32: [-(2 ** 31), 2 ** 31],
  int64: [-(2 ** 63), 2 ** 63],
};

let builtinCatalog: SchemaCatalog | undefined;

/**
 * Check `obj` (the body in the served version) against the schema of `apiVersion`/`kind` and
 * remove its unknown fields in place (`keepUnknown`: only report them; the result is the same).
 * A kind without a schema passes unchanged.
 */
export function typedDecode(
  apiVersion: string,
  kind: string,
  obj: Record<string, unknown>,
  catalog?: SchemaCatalog,
  options: { keepUnknown?: boolean } = {},
): TypedDecodeResult {
  builtinCatalog ??= new SchemaCatalog();
  const schemas = catalog ?? builtinCatalog;
  const name = schemas.kindSchemaName({ ...parseApiVersion(apiVersion), kind });
  const schema = name === undefined ? undefined : schemas.schema(name);
  const walker = new Walker(schemas, options.keepUnknown === true);
  if (schema && name !== undefined) walker.value(resolve(schemas, { schema, name }), obj, ctxRoot());
  return { mismatch: walker.mismatch, unknown: walker.unknown };
}

interface Resolved {
  schema: Schema;
  name: string | undefined;
}

/** Resolved schemas of each catalog, by the schema object they start from, until the catalog changes. */
const resolvedCache = new WeakMap<SchemaCatalog, { revision: number; bySchema: WeakMap<Schema, Resolved> }>();

/** resolve() for a schema reached without a name (a property, an item, a map value), memoised. */
function resolveSchema(catalog: SchemaCatalog, schema: Schema): Resolved {
  let cache = resolvedCache.get(catalog);
  if (!cache || cache.revision !== catalog.revision) {
    cache = { revision: catalog.revision, bySchema: new WeakMap() };
    resolvedCache.set(catalog, cache);
  }
  let resolved = cache.bySchema.get(schema);
  if (!resolved) {
    resolved = resolve(catalog, { schema, name: undefined });
    cache.bySchema.set(schema, resolved);
  }
  return resolved;
}

function resolve(catalog: SchemaCatalog, r: Resolved): Resolved {
  let current = r;
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

/** Go's description of a JSON value in UnmarshalTypeError. */
function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return "array";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number") return "number";
  return typeof v === "string" ? "string" : "object";
}

class Walker {
  mismatch: TypeMismatch | undefined;
  readonly unknown: string[] = [];

  constructor(
    private readonly catalog: SchemaCatalog,
    private readonly keepUnknown = false,
  ) {}

  goType(r: Resolved): string {
    const { schema, name } = r;
    if (name === QUANTITY) return "resource.Quantity";
    if (name === INT_OR_STRING) return "intstr.IntOrString";
    if (name !== undefined && (schema.type === "object" || schema.properties)) {
      const parts = name.split(".");
      return `${parts[parts.length - 2]}.${parts[parts.length - 1]}`;
    }
    switch (schema.type) {
      case "string":
        return "string";
      case "boolean":
        return "bool";
      case "number":
        return "float64";
      case "integer":
        return schema.format === "int32" ? "int32" : "int64";
      case "array":
        return `[]${schema.items ? this.goType(resolve(this.catalog, { schema: schema.items, name: undefined })) : "interface {}"}`;
      case "object": {
        const extra = schema.additionalProperties;
        if (typeof extra === "object")
          return `map[string]${this.goType(resolve(this.catalog, { schema: extra, name: undefined }))}`;
        return "map[string]interface {}";
      }
    }
    return "interface {}";
  }

  private fail(ctx: Ctx, value: string, goType: string, custom?: string): void {
    this.mismatch ??= {
      value,
      goType,
      struct: ctx.struct,
      field: fieldsOf(ctx),
      path: pathOf(ctx),
      ...(custom !== undefined ? { custom } : {}),
    };
  }

  value(r: Resolved, value: unknown, ctx: Ctx): void {
    if (value === null || value === undefined) return;
    const { schema, name } = r;
    if (name !== undefined && OPAQUE.has(name)) return;
    if (name === QUANTITY) {
      this.quantity(value, ctx);
      return;
    }
    if (name === INT_OR_STRING) {
      if (typeof value !== "string") this.intOrString(value, ctx);
      return;
    }
    if (name !== undefined && TIMES.has(name)) {
      this.time(value, ctx);
      return;
    }
    switch (schema.type) {
      case "string":
        if (typeof value !== "string") this.fail(ctx, jsonKind(value), "string");
        return;
      case "boolean":
        if (typeof value !== "boolean") this.fail(ctx, jsonKind(value), "bool");
        return;
      case "number":
        if (typeof value !== "number") this.fail(ctx, jsonKind(value), "float64");
        return;
      case "integer":
        this.integer(value, schema.format === "int32" ? "int32" : "int64", ctx);
        return;
      case "array":
        this.array(r, value, ctx);
        return;
      case "object":
        this.object(r, value, ctx);
        return;
    }
    if (schema.properties || schema.additionalProperties !== undefined) this.object(r, value, ctx);
  }

  private integer(value: unknown, type: "int32" | "int64", ctx: Ctx): void {
    if (typeof value !== "number") {
      this.fail(ctx, jsonKind(value), type);
      return;
    }
    // [min, max): 2 ** 63 is the first double past int64's range.
    const [min, max] = INT_RANGES[type] as [number, number];
    if (!Number.isInteger(value) || value < min || value >= max)
      this.fail(ctx, `number ${goNumber(value)}`, type);
  }

  /**
   * IntOrString's UnmarshalJSON decodes a non-string into its int32 with encoding/json; the
   * UnmarshalTypeError it returns gets the outer field's context (sigs.k8s.io/json aliases
   * encoding/json's error type, and addErrorContext fills it in).
   */
  private intOrString(value: unknown, ctx: Ctx): void {
    this.integer(value, "int32", ctx);
  }

  private quantity(value: unknown, ctx: Ctx): void {
    if (typeof value === "number") return;
    const text = typeof value === "string" ? value.trim() : JSON.stringify(value);
    const problem = quantityProblem(text);
    if (problem) this.fail(ctx, jsonKind(value), "resource.Quantity", problem);
  }

  private time(value: unknown, ctx: Ctx): void {
    if (typeof value !== "string") {
      // Time's UnmarshalJSON reads a string with encoding/json: the outer field's context is added.
      this.fail(ctx, jsonKind(value), "string");
      return;
    }
    if (!RFC3339.test(value)) {
      this.fail(
        ctx,
        "string",
        "v1.Time",
        `parsing time ${JSON.stringify(value)} as "2006-01-02T15:04:05Z07:00": cannot parse ${JSON.stringify(value)} as "2006"`,
      );
    }
  }

  private array(r: Resolved, value: unknown, ctx: Ctx): void {
    if (!Array.isArray(value)) {
      this.fail(ctx, jsonKind(value), this.goType(r));
      return;
    }
    const items = r.schema.items;
    if (!items) return;
    const item = resolveSchema(this.catalog, items);
    for (let index = 0; index < value.length; index++)
      this.value(item, value[index], { parent: ctx, step: "index", key: "", index, struct: ctx.struct });
  }

  private object(r: Resolved, value: unknown, ctx: Ctx): void {
    const { schema, name } = r;
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      this.fail(ctx, jsonKind(value), this.goType(r));
      return;
    }
    const obj = value as Record<string, unknown>;
    const preserve = schema["x-kubernetes-preserve-unknown-fields"] === true;
    const extra = schema.additionalProperties;
    const embedded = schema["x-kubernetes-embedded-resource"] === true;
    const structName = name === undefined ? ctx.struct : name.slice(name.lastIndexOf(".") + 1);
    for (const key of Object.keys(obj)) {
      const child = obj[key];
      const property =
        schema.properties && Object.hasOwn(schema.properties, key)
          ? schema.properties[key]
          : embedded && Object.hasOwn(EMBEDDED, key)
            ? EMBEDDED[key]
            : undefined;
      if (property) {
        this.value(resolveSchema(this.catalog, property), child, {
          parent: ctx,
          step: "field",
          key,
          index: 0,
          struct: structName,
        });
      } else if (typeof extra === "object") {
        this.value(resolveSchema(this.catalog, extra), child, {
          parent: ctx,
          step: "key",
          key,
          index: 0,
          struct: ctx.struct,
        });
      } else if (!preserve && extra !== true && (schema.properties || schema.type === "object")) {
        const at = pathOf(ctx);
        this.unknown.push(at === "" ? key : `${at}.${key}`);
        if (!this.keepUnknown) delete obj[key];
      }
    }
  }
}

/** Go's %v of a float64 as encoding/json reports it (the literal text). */
function goNumber(n: number): string {
  return Number.isInteger(n) && Math.abs(n) < 1e21 ? BigInt(n).toString() : String(n);
}

/** resource.ParseQuantity's error for `text`, or undefined when it parses. */
export function quantityProblem(text: string): string | undefined {
  const m = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/.exec(text);
  if (!m) return QUANTITY_FORMAT;
  const num = m[1] as string;
  const suffix = m[2] as string;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(num)) return "unable to parse numeric part of quantity";
  const known = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "n", "u", "m", "k", "M", "G", "T", "P", "E"];
  if (!known.includes(suffix) && !/^[eE][-+]?\d+$/.test(suffix)) return "unable to parse quantity's suffix";
  return undefined;
}
