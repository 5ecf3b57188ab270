// GET of one object and LIST of a collection, as JSON or as a Table (wire spec §6): list
// paging with limit/continue, selectors, and resourceVersion semantics.
import type { KeyValue } from "../../../storage/kv.ts";
import type { ResourceRequest } from "../api-context.ts";
import { contextOf } from "../filters/request-context.ts";
import { json, jsonText } from "../http/respond.ts";
import { decodeObject, type KObject } from "../registry/object.ts";
import { servedApiVersion } from "../registry/prepare-write.ts";
import type { Entry } from "../registry/registry.ts";
import { servedObjectJson } from "../registry/served-json.ts";
import { jsonListBody } from "./json-list-body.ts";
import { listQuery } from "./list-query.ts";
import { selectionScope } from "./selection.ts";
import { labelOnlyScope } from "./stored-labels.ts";
import { streamedResponse } from "./streamed-body.ts";
import { tableListResponse } from "./table-list.ts";

/** The object as the served version shows it, with kind and apiVersion. */
export function present(entry: Entry, obj: KObject): KObject {
  const out = entry.codec ? entry.codec.fromStorage(obj) : obj;
  const apiVersion = entry.info.group ? `${entry.info.group}/${entry.info.version}` : entry.info.version;
  const { apiVersion: _a, kind: _k, ...rest } = out;
  return { apiVersion, kind: entry.info.kind, ...rest };
}

export function partialMetadata(obj: KObject, version: string): KObject {
  return {
    kind: "PartialObjectMetadata",
    apiVersion: `meta.k8s.io/${version}`,
    metadata: obj.metadata ?? {},
  };
}

export async function getObject(r: ResourceRequest): Promise<Response> {
  const { entry, info, wanted, ctx } = r;
  // resourceVersion=0 ("any"): upstream's cacher answers from the watch cache. A plain JSON
  // object is spliced from the cached stored text, without a parse and a stringify.
  if (r.url.searchParams.get("resourceVersion") === "0") {
    const plain = !wanted.table && !wanted.partial && !entry.codec && !entry.info.storageVersion;
    const kv = plain ? entry.store.cachedValue(info.namespace, info.name) : undefined;
    const text = kv && servedObjectJson(kv.value, kv.modRevision, servedApiVersion(entry), entry.info.kind);
    if (text !== undefined) return jsonText(text);
  }
  const obj = present(entry, await entry.store.get(info.namespace, info.name));
  if (wanted.table) {
    return json(
      ctx.toTable({
        entry,
        objects: [obj],
        wanted,
        includeObject: r.url.searchParams.get("includeObject") ?? "Metadata",
        noHeaders: false,
        listMeta: { resourceVersion: obj.metadata?.resourceVersion },
      }),
    );
  }
  if (wanted.partial) return json(partialMetadata(obj, wanted.tableVersion));
  return json(obj);
}

export async function listObjects(r: ResourceRequest): Promise<Response> {
  const { entry, info, url, wanted, ctx } = r;
  const query = listQuery(url);
  const scope = selectionScope(entry, url, info.namespace);
  // A plain JSON list of unconverted objects splices the stored bytes: no re-encode, and no
  // parse unless a selector must be tested.
  const plain = !wanted.table && !wanted.partial && !entry.codec && !entry.info.storageVersion;
  // A Table joins rows cached per stored object (table-list.ts): no parse unless a row is new.
  const stored = plain || wanted.table;
  const listScope = stored ? labelOnlyScope(scope, url) : scope;
  const result = await entry.store.list({ ...listScope, kvs: stored, ...query });
  const metadata: Record<string, unknown> = { resourceVersion: result.resourceVersion };
  if (result.continue) metadata.continue = result.continue;
  if (result.remainingItemCount !== undefined) metadata.remainingItemCount = result.remainingItemCount;
  const apiVersion = entry.info.group ? `${entry.info.group}/${entry.info.version}` : entry.info.version;
  if (result.kvs && wanted.table) {
    const { resourceVersion, continue: next, remainingItemCount } = result;
    const decode = (kv: KeyValue): KObject => present(entry, decodeObject(kv));
    return tableListResponse(r, result.kvs, decode, { resourceVersion, continue: next, remainingItemCount });
  }
  if (result.kvs) {
    const head = JSON.stringify({ kind: `${entry.info.kind}List`, apiVersion, metadata });
    const kvs = result.kvs;
    return streamedResponse(
      (w) => jsonListBody(w, `${head.slice(0, -1)},"items":[`, kvs),
      { "Content-Type": "application/json" },
      contextOf(r.req).overSocket === true,
    );
  }
  const items = result.items.map((o) => present(entry, o));
  if (wanted.table) {
    return json(
      ctx.toTable({
        entry,
        objects: items,
        wanted,
        includeObject: url.searchParams.get("includeObject") ?? "Metadata",
        noHeaders: false,
        listMeta: metadata,
      }),
    );
  }
  if (wanted.partial) {
    return json({
      kind: "PartialObjectMetadataList",
      apiVersion: `meta.k8s.io/${wanted.tableVersion}`,
      metadata,
      items: items.map((o) => partialMetadata(o, wanted.tableVersion)),
    });
  }
  return json({ kind: `${entry.info.kind}List`, apiVersion, metadata, items });
}
