// groupVersionDocument: the OpenAPI v3 document of one group-version (upstream's
// /openapi/v3/apis/<g>/<v>): a path per resource and verb, each operation tagged with its
// x-kubernetes-group-version-kind and, for writes, the fieldValidation parameter kubectl looks for;
// and components.schemas holding every schema reachable from those operations.
import { refName, type Schema, type Schemas, schemaRef } from "../../../assets/openapi/schema.ts";
import type { ResourceInfo, Verb } from "../../../lib/api/resources.ts";
import { patchMetaFor } from "../patch/builtin-patch-meta.ts";
import type { SchemaCatalog } from "./schema-catalog.ts";

const META = "io.k8s.apimachinery.pkg.apis.meta.v1";

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Schemas };
}

const query = (name: string, type: "string" | "boolean" | "integer", description: string) => ({
  name,
  in: "query",
  description,
  schema: { type, uniqueItems: true },
});

const DRY_RUN = query("dryRun", "string", "All: run every stage of the request but store nothing.");
const FIELD_MANAGER = query("fieldManager", "string", "Who makes the change, as recorded in managedFields.");
const FIELD_VALIDATION = query(
  "fieldValidation",
  "string",
  "How the server treats fields of the request body it does not know or that appear twice: Ignore, Warn (the default) or Strict.",
);
const FORCE = query(
  "force",
  "boolean",
  "Apply patches only: take over fields other managers own instead of failing with a conflict.",
);
const WRITE_PARAMETERS = [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION];

function docPrefix(r: { group: string; version: string }): string {
  return r.group === "" ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
}

function body(name: string | undefined): Schema {
  return name ? { $ref: schemaRef(name) } : { type: "object" };
}

function ok(name: string | undefined, status = "200"): Record<string, unknown> {
  return { [status]: { description: "OK", content: { "application/json": { schema: body(name) } } } };
}

export function groupVersionDocument(
  resources: readonly ResourceInfo[],
  catalog: SchemaCatalog,
): OpenApiDocument {
  const paths: Record<string, Record<string, unknown>> = {};
  const roots = new Set([`${META}.Status`, `${META}.DeleteOptions`, `${META}.Patch`]);
  for (const r of resources) {
    const gvk = { group: r.group, version: r.version, kind: r.kind };
    const kindName = catalog.kindSchemaName(gvk);
    const listName = catalog.kindSchemaName({ ...gvk, kind: `${r.kind}List` });
    for (const name of [kindName, listName]) if (name) roots.add(name);
    const op = operationFactory(r.group === "" ? `Core${r.kind}` : r.kind, gvk);
    const has = (v: Verb) => r.verbs.includes(v);
    const base = `${docPrefix(r)}${r.namespaced ? "/namespaces/{namespace}" : ""}/${r.plural}`;
    const collection: Record<string, unknown> = {};
    if (has("list")) collection.get = op("list", "list", { responses: ok(listName) });
    if (has("create")) {
      collection.post = op("post", "create", {
        parameters: WRITE_PARAMETERS,
        requestBody: { content: { "*/*": { schema: body(kindName) } }, required: true },
        responses: { ...ok(kindName), ...ok(kindName, "201") },
      });
    }
    if (has("deletecollection"))
      collection.delete = op("deletecollection", "deleteCollection", { responses: ok(`${META}.Status`) });
    if (Object.keys(collection).length > 0) paths[base] = collection;
    const item = objectOperations(op, r.verbs, kindName, patchContent(r, kindName !== undefined));
    if (has("delete")) item.delete = op("delete", "delete", { responses: ok(kindName) });
    if (Object.keys(item).length > 0) paths[`${base}/{name}`] = item;
    // The status and scale subresources: the object (or an autoscaling/v1 Scale) read and written
    // at .../{name}/<subresource>, tagged with the kind they carry.
    for (const sub of r.subresources) {
      if (!sub.kind || (sub.name !== "status" && sub.name !== "scale")) continue;
      const subName = catalog.kindSchemaName(sub.kind);
      if (subName) roots.add(subName);
      const subOp = operationFactory(
        `${r.group === "" ? `Core${r.kind}` : r.kind}${capitalize(sub.name)}`,
        sub.kind,
      );
      const subPatch = patchContent({ ...sub.kind }, subName !== undefined);
      paths[`${base}/{name}/${sub.name}`] = objectOperations(subOp, sub.verbs, subName, subPatch);
    }
  }
  return {
    openapi: "3.0.0",
    info: { title: "Kubernetes", version: "v1.32.4" },
    paths,
    components: { schemas: reachable(roots, catalog) },
  };
}

type OperationFactory = (
  action: string,
  verb: string,
  extra: Record<string, unknown>,
) => Record<string, unknown>;

function operationFactory(
  name: string,
  gvk: { group: string; version: string; kind: string },
): OperationFactory {
  return (action, verb, extra) => ({
    operationId: `${verb}${name}`,
    "x-kubernetes-action": action,
    "x-kubernetes-group-version-kind": gvk,
    ...extra,
  });
}

/** get, put and patch of one object, as far as `verbs` allows. */
function objectOperations(
  op: OperationFactory,
  verbs: readonly string[],
  schemaName: string | undefined,
  patchTypes: Record<string, unknown>,
): Record<string, unknown> {
  const ops: Record<string, unknown> = {};
  if (verbs.includes("get")) ops.get = op("get", "read", { responses: ok(schemaName) });
  if (verbs.includes("update")) {
    ops.put = op("put", "replace", {
      parameters: WRITE_PARAMETERS,
      requestBody: { content: { "*/*": { schema: body(schemaName) } }, required: true },
      responses: ok(schemaName),
    });
  }
  if (verbs.includes("patch")) {
    ops.patch = op("patch", "patch", {
      parameters: [...WRITE_PARAMETERS, FORCE],
      requestBody: { content: patchTypes, required: true },
      responses: ok(schemaName),
    });
  }
  return ops;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * The patch types a kind accepts. Strategic merge patch only for built-in kinds, which have Go
 * types (upstream answers 415 for custom resources), and only when their schema is served: kubectl
 * then computes apply patches from the schema's patch extensions.
 */
function patchContent(
  r: { group: string; version: string; kind: string },
  schemaKnown: boolean,
): Record<string, unknown> {
  const patch = { schema: { $ref: schemaRef(`${META}.Patch`) } };
  const types = ["application/json-patch+json", "application/merge-patch+json"];
  const apiVersion = r.group === "" ? r.version : `${r.group}/${r.version}`;
  if (schemaKnown && patchMetaFor(apiVersion, r.kind)) types.push("application/strategic-merge-patch+json");
  types.push("application/apply-patch+yaml");
  return Object.fromEntries(types.map((t) => [t, patch]));
}

/** Every schema reachable from `roots` through $refs, sorted by name. */
function reachable(roots: Set<string>, catalog: SchemaCatalog): Schemas {
  const out: Schemas = {};
  const pending = [...roots];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (Object.hasOwn(out, name)) continue;
    const schema = catalog.schema(name);
    if (!schema) continue;
    out[name] = schema;
    collectRefs(schema, pending);
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function collectRefs(value: unknown, into: string[]): void {
  if (Array.isArray(value)) {
    for (const item of value) collectRefs(item, into);
  } else if (value !== null && typeof value === "object") {
    for (const [key, child] of Object.entries(value)) {
      if (key === "$ref" && typeof child === "string") into.push(refName(child));
      else collectRefs(child, into);
    }
  }
}
