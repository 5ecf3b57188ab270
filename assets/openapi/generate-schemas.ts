// generateSchemas: OpenAPI v3 component schemas of every type in the kubernetes-types package, read
// from its .d.ts files with the TypeScript compiler API and named as upstream's documents name them.
// Run `npm run generate:openapi` after upgrading kubernetes-types; the output is committed.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, posix } from "node:path";
import * as ts from "typescript";
import { numberSchema } from "./number-format.ts";
import { type GroupVersionKindRef, type Schema, type Schemas, schemaRef } from "./schema.ts";

/** Where the generated schemas are committed (gzipped JSON, embedded in the binary by an import). */
export const SCHEMAS_ASSET = join(import.meta.dir, "schemas.json.gz");

const META = "io.k8s.apimachinery.pkg.apis.meta.v1";
const INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";

/** kubernetes-types module (`core/v1`) to upstream's Go package name; the rest are io.k8s.api.<g>.<v>. */
const PACKAGES: Record<string, string> = {
  "meta/v1": META,
  "api/resource": "io.k8s.apimachinery.pkg.api.resource",
  runtime: "io.k8s.apimachinery.pkg.runtime",
  version: "io.k8s.apimachinery.pkg.version",
  "apiextensions/v1": "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1",
  "apiregistration/v1": "io.k8s.kube-aggregator.pkg.apis.apiregistration.v1",
};

/** Types kubernetes-types leaves out (the aggregator's), written in its style beside this file. */
const EXTRA_TYPES = join(import.meta.dir, "extra-types");

/**
 * Types whose JSON shape is not their TypeScript shape (upstream's custom OpenAPI definitions):
 * Quantity accepts a string or a number, times are RFC 3339 strings, apiextensions' JSON is any
 * JSON value (no type). IntOrString has no named type in kubernetes-types (fields say
 * `number | string`), so it is added here.
 */
const SHAPES: Record<string, Schema> = {
  "io.k8s.apimachinery.pkg.api.resource.Quantity": { oneOf: [{ type: "string" }, { type: "number" }] },
  [`${META}.Time`]: { type: "string", format: "date-time" },
  [`${META}.MicroTime`]: { type: "string", format: "date-time" },
  "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON": {},
};

const INT_OR_STRING_SCHEMA: Schema = {
  description:
    "IntOrString holds either an integer or a string: JSON and YAML carry whichever of the two was set, so a field of this type accepts a number or a name.",
  format: "int-or-string",
  oneOf: [{ type: "integer" }, { type: "string" }],
};

const JSON_SCHEMA_PROPS = "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps";
const flag = (description: string): Schema => ({ description, type: "boolean" });

/**
 * Fields upstream's types have and kubernetes-types leaves out: the Kubernetes extensions of a
 * CRD's JSONSchemaProps (apiextensions-apiserver types_jsonschema.go). Descriptions are ours.
 */
const EXTRA_PROPERTIES: Record<string, Record<string, Schema>> = {
  [JSON_SCHEMA_PROPS]: {
    "x-kubernetes-embedded-resource": flag(
      "The value is a complete Kubernetes object with apiVersion, kind and metadata, validated as such.",
    ),
    "x-kubernetes-int-or-string": flag("The value may be an integer or a string."),
    "x-kubernetes-list-map-keys": {
      description: "For a list of type map: the item fields that together identify an item.",
      type: "array",
      items: { type: "string" },
      "x-kubernetes-list-type": "atomic",
    },
    "x-kubernetes-list-type": {
      description:
        "How server-side apply merges the list: atomic (whole), set (unique scalars) or map (items by key).",
      type: "string",
    },
    "x-kubernetes-map-type": {
      description: "How server-side apply merges the object: granular (field by field) or atomic (whole).",
      type: "string",
    },
    "x-kubernetes-preserve-unknown-fields": flag(
      "Keep fields the schema does not describe instead of pruning them, in this object and below.",
    ),
    "x-kubernetes-validations": {
      description: "CEL rules the value must satisfy.",
      type: "array",
      items: { $ref: schemaRef("io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.ValidationRule") },
      "x-kubernetes-list-map-keys": ["rule"],
      "x-kubernetes-list-type": "map",
      "x-kubernetes-patch-merge-key": "rule",
      "x-kubernetes-patch-strategy": "merge",
    },
  },
};

/** Kinds without a literal apiVersion in kubernetes-types that upstream still tags with a GVK. */
const EXTRA_GVKS: Record<string, GroupVersionKindRef> = {
  [`${META}.Status`]: { group: "", version: "v1", kind: "Status" },
};

export function generateSchemas(): Schemas {
  const root = dirname(Bun.resolveSync("kubernetes-types/package.json", import.meta.dir));
  const schemas: Schemas = { [INT_OR_STRING]: INT_OR_STRING_SCHEMA };
  for (const dir of [root, EXTRA_TYPES]) {
    for (const file of declarationFiles(dir)) {
      const text = readFileSync(join(dir, file), "utf8");
      const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
      new ModuleReader(source, file.replace(/\.d\.ts$/, "")).read(schemas);
    }
  }
  return Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The committed form of the schemas: compact JSON, gzipped. */
export function encodeSchemas(schemas: Schemas): Uint8Array {
  return Bun.gzipSync(new TextEncoder().encode(JSON.stringify(schemas)), { level: 9 });
}

function declarationFiles(root: string, dir = ""): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...declarationFiles(root, path));
    else if (entry.name.endsWith(".d.ts")) out.push(path);
  }
  return out.sort();
}

/** Reads one kubernetes-types module (`core/v1`) into schemas. */
class ModuleReader {
  private readonly pkg: string;
  /** Imported name to the Go package it comes from. */
  private readonly imports = new Map<string, string>();

  constructor(
    private readonly source: ts.SourceFile,
    private readonly module: string,
  ) {
    this.pkg = PACKAGES[module] ?? `io.k8s.api.${module.replace("/", ".")}`;
  }

  read(schemas: Schemas): void {
    for (const statement of this.source.statements) {
      if (ts.isImportDeclaration(statement)) this.readImport(statement);
      else if (ts.isInterfaceDeclaration(statement)) {
        const name = `${this.pkg}.${statement.name.text}`;
        const shape = SHAPES[name];
        schemas[name] = shape
          ? withDescription(shape, this.doc(statement))
          : this.interfaceSchema(name, statement);
      } else if (ts.isTypeAliasDeclaration(statement)) {
        const name = `${this.pkg}.${statement.name.text}`;
        // Aliases are scalars with a custom shape (Quantity, Time) or unions of JSON shapes
        // (JSONSchemaPropsOrBool): the latter accept any JSON value, so they get no type.
        schemas[name] = withDescription(SHAPES[name] ?? {}, this.doc(statement));
      }
    }
  }

  private readImport(statement: ts.ImportDeclaration): void {
    const from = (statement.moduleSpecifier as ts.StringLiteral).text;
    const module = posix.join(posix.dirname(this.module), from);
    const pkg = PACKAGES[module] ?? `io.k8s.api.${module.replace("/", ".")}`;
    const bindings = statement.importClause?.namedBindings;
    if (bindings && ts.isNamedImports(bindings)) {
      for (const element of bindings.elements) this.imports.set(element.name.text, pkg);
    }
  }

  private interfaceSchema(name: string, decl: ts.InterfaceDeclaration): Schema {
    const properties: Record<string, Schema> = {};
    const required: string[] = [];
    const literals: Record<string, string> = {};
    for (const member of decl.members) {
      if (!ts.isPropertySignature(member) || !member.type) continue;
      const field = member.name.getText(this.source).replace(/^"|"$/g, "");
      if (ts.isLiteralTypeNode(member.type) && ts.isStringLiteral(member.type.literal)) {
        literals[field] = member.type.literal.text;
      }
      properties[field] = withDescription(this.typeSchema(member.type, field), this.doc(member));
      if (!member.questionToken) required.push(field);
    }
    Object.assign(properties, EXTRA_PROPERTIES[name]);
    const schema: Schema = withDescription({}, this.doc(decl));
    schema.type = "object";
    if (Object.keys(properties).length > 0) schema.properties = properties;
    if (required.length > 0) schema.required = required;
    const gvk = gvkOf(literals.apiVersion, literals.kind) ?? EXTRA_GVKS[name];
    if (gvk) schema["x-kubernetes-group-version-kind"] = [gvk];
    return schema;
  }

  private typeSchema(node: ts.TypeNode, field: string): Schema {
    switch (node.kind) {
      case ts.SyntaxKind.StringKeyword:
        return { type: "string" };
      case ts.SyntaxKind.BooleanKeyword:
        return { type: "boolean" };
      case ts.SyntaxKind.NumberKeyword:
        return numberSchema(field);
    }
    if (ts.isLiteralTypeNode(node) && ts.isStringLiteral(node.literal)) return { type: "string" };
    if (ts.isArrayTypeNode(node)) return { type: "array", items: this.typeSchema(node.elementType, field) };
    if (ts.isUnionTypeNode(node)) {
      const kinds = node.types.map((t) => t.kind).sort();
      if (kinds.join() === [ts.SyntaxKind.NumberKeyword, ts.SyntaxKind.StringKeyword].sort().join()) {
        return { $ref: schemaRef(INT_OR_STRING) };
      }
    }
    if (ts.isTypeLiteralNode(node)) {
      const index = node.members.find(ts.isIndexSignatureDeclaration);
      if (index && node.members.length === 1) {
        return { type: "object", additionalProperties: this.typeSchema(index.type, field) };
      }
    }
    if (ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName)) {
      const ref = node.typeName.text;
      const arg = node.typeArguments?.[0];
      if (ref === "Array" && arg) return { type: "array", items: this.typeSchema(arg, field) };
      return { $ref: schemaRef(`${this.imports.get(ref) ?? this.pkg}.${ref}`) };
    }
    throw new Error(`${this.module}: field ${field}: no schema for type ${node.getText(this.source)}`);
  }

  /** The JSDoc text before a declaration, without the comment markers. */
  private doc(node: ts.Node): string | undefined {
    const ranges = ts.getLeadingCommentRanges(this.source.text, node.getFullStart()) ?? [];
    const last = ranges.at(-1);
    if (!last) return undefined;
    const raw = this.source.text.slice(last.pos, last.end);
    if (!raw.startsWith("/**")) return undefined;
    const lines = raw
      .slice(3, -2)
      .split("\n")
      .map((line) => line.replace(/^\s*\* ?/, ""));
    return lines.join("\n").trim() || undefined;
  }
}

function gvkOf(apiVersion: string | undefined, kind: string | undefined): GroupVersionKindRef | undefined {
  if (!apiVersion || !kind) return undefined;
  const slash = apiVersion.indexOf("/");
  return slash < 0
    ? { group: "", version: apiVersion, kind }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1), kind };
}

/**
 * A field's schema with its description. A reference cannot carry siblings in OpenAPI 3.0, so a
 * described reference is wrapped in a one-element allOf, as upstream's documents do.
 */
function withDescription(schema: Schema, description: string | undefined): Schema {
  if (!description) return schema;
  if (schema.$ref) return { allOf: [schema], description };
  return { description, ...schema };
}

if (import.meta.main) {
  const schemas = generateSchemas();
  const bytes = encodeSchemas(schemas);
  writeFileSync(SCHEMAS_ASSET, bytes);
  console.log(
    `${Object.keys(schemas).length} schemas, ${bytes.length} bytes gzipped: assets/openapi/schemas.json.gz`,
  );
}
