// A LIST as a meta.k8s.io Table (kubectl get), written from cached rows: each stored object's row
// is printed once per revision (printers/cached-rows.ts) and the Table is their join, streamed.
// The same bytes as JSON.stringify of toTable over the decoded objects, plus "\n".
import type { KeyValue } from "../../../storage/kv.ts";
import type { ResourceRequest } from "../api-context.ts";
import { contextOf } from "../filters/request-context.ts";
import { json } from "../http/respond.ts";
import { buildTable, type IncludeObject } from "../printers/build-table.ts";
import { type RowShape, writeCachedRows } from "../printers/cached-rows.ts";
import { tablePrinter } from "../printers/to-table.ts";
import { asCachedKeyValues } from "../registry/list-from-cache.ts";
import { streamedResponse } from "./streamed-body.ts";

/** `decode`: a stored object as the served version shows it (read.ts: present). */
export function tableListResponse(
  r: ResourceRequest,
  kvs: readonly KeyValue[],
  decode: (kv: KeyValue) => object,
  listMeta: {
    resourceVersion?: string | undefined;
    continue?: string | undefined;
    remainingItemCount?: number | undefined;
  },
): Response {
  const { entry, wanted, ctx, url } = r;
  const param = url.searchParams.get("includeObject") ?? "Metadata";
  const include: IncludeObject = param === "Object" || param === "None" ? param : "Metadata";
  const objectVersion = entry.info.group ? `${entry.info.group}/${entry.info.version}` : entry.info.version;
  const printer = tablePrinter({
    apiVersion: objectVersion,
    kind: entry.info.kind,
    ...(entry.columns ? { customResourceColumns: entry.columns } : {}),
  });
  const now = ctx.now();
  const table = buildTable(printer, {
    objects: [],
    now,
    includeObject: include,
    noHeaders: false,
    tableVersion: wanted.tableVersion,
    ...(listMeta.resourceVersion ? { resourceVersion: listMeta.resourceVersion } : {}),
    ...(listMeta.continue ? { continue: listMeta.continue } : {}),
    ...(listMeta.remainingItemCount !== undefined ? { remainingItemCount: listMeta.remainingItemCount } : {}),
  });
  const empty = JSON.stringify(table);
  if (kvs.length === 0 || !empty.endsWith('"rows":[]}')) return json(table);
  const head = empty.slice(0, -"]}".length);
  const shape: RowShape = { printer, include, tableApiVersion: table.apiVersion, objectVersion };
  // Pages the store answered (continue tokens after a write) use the rows cached for the cache's objects.
  const items = asCachedKeyValues(entry.store.kv, `${entry.store.prefix}/`, kvs);
  return streamedResponse(
    function* (w) {
      w.text(head);
      let written = 0;
      for (const _ of writeCachedRows(w, shape, items, decode, now, (kv) => kv.value)) {
        if (++written < kvs.length) w.text(",");
        yield;
      }
      w.text("]}\n");
    },
    { "Content-Type": "application/json" },
    contextOf(r.req).overSocket === true,
  );
}
