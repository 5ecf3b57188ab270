// GET /openapi/v3 and /openapi/v3/<api/v1|apis/g/v> as kubectl consumes them (wire spec §4): an
// index of every served group-version with the hash of its document, and the documents, which
// kubectl caches for good (Cache-Control: public, immutable) when fetched by their current hash.
// Upstream: k8s.io/kube-openapi/pkg/handler3.
import { createHash } from "node:crypto";
import type { ResourceInfo } from "../../../lib/api/resources.ts";
import { StatusError } from "../../../lib/errors/status-error.ts";
import { json } from "../http/respond.ts";
import type { Registry } from "../registry/registry.ts";
import { groupVersionDocument } from "./group-version-document.ts";
import { SchemaCatalog } from "./schema-catalog.ts";

interface RenderedDocument {
  body: string;
  hash: string;
}

/** A group-version's documents, rendered lazily and kept while resources and schemas stay the same. */
interface Rendered {
  resources: ResourceInfo[];
  revision: number;
  groups: Map<string, ResourceInfo[]>;
  docs: Map<string, RenderedDocument>;
}

const rendered = new WeakMap<SchemaCatalog, Rendered>();
let builtinCatalog: SchemaCatalog | undefined;

function docKey(r: { group: string; version: string }): string {
  return r.group === "" ? `api/${r.version}` : `apis/${r.group}/${r.version}`;
}

function state(registry: Pick<Registry, "resources">, catalog: SchemaCatalog): Rendered {
  const resources = registry.resources();
  let current = rendered.get(catalog);
  if (!current || current.resources !== resources || current.revision !== catalog.revision) {
    const groups = new Map<string, ResourceInfo[]>();
    for (const r of resources) groups.set(docKey(r), [...(groups.get(docKey(r)) ?? []), r]);
    current = { resources, revision: catalog.revision, groups, docs: new Map() };
    rendered.set(catalog, current);
  }
  return current;
}

function documentOf(current: Rendered, key: string, catalog: SchemaCatalog): RenderedDocument | undefined {
  let doc = current.docs.get(key);
  if (!doc) {
    const resources = current.groups.get(key);
    if (!resources) return undefined;
    const body = JSON.stringify(groupVersionDocument(resources, catalog));
    doc = { body, hash: createHash("sha512").update(body).digest("hex").toUpperCase() };
    current.docs.set(key, doc);
  }
  return doc;
}

/**
 * Answer an /openapi/v3 request. `catalog` holds the schemas (custom resources included); by
 * default the built-in schemas only.
 */
export function openApiV3(
  path: string,
  url: URL,
  registry: Pick<Registry, "resources">,
  catalog?: SchemaCatalog,
): Response {
  builtinCatalog ??= new SchemaCatalog();
  const schemas = catalog ?? builtinCatalog;
  const current = state(registry, schemas);
  if (path === "/openapi/v3") {
    const paths: Record<string, object> = {};
    for (const key of current.groups.keys()) {
      const doc = documentOf(current, key, schemas) as RenderedDocument;
      paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${doc.hash}` };
    }
    return json({ paths });
  }
  const doc = documentOf(current, path.slice("/openapi/v3/".length), schemas);
  if (!doc) throw StatusError.notFoundPath();
  const headers: Record<string, string> = { "Content-Type": "application/json", ETag: `"${doc.hash}"` };
  if (url.searchParams.get("hash") === doc.hash) {
    headers["Cache-Control"] = "public, immutable";
    headers.Expires = new Date(Date.now() + 365 * 24 * 3600 * 1000).toUTCString();
  } else headers["Cache-Control"] = "no-cache, private";
  return new Response(doc.body, { headers });
}
