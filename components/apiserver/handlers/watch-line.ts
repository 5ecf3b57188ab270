// One watch event as the line a watcher asked for, when that is not the stored JSON: the object
// as served (a codec's version, apiVersion and kind), a Table (columns on the first event only)
// or PartialObjectMetadata. Upstream: apiserver pkg/endpoints/handlers/watch.go.
import type { ResourceRequest } from "../api-context.ts";
import type { KObject } from "../registry/object.ts";
import { partialMetadata, present } from "./read.ts";

/** A stateful encoder for one watcher (a Table's header goes on its first event only). */
export function watchLineEncoder(r: ResourceRequest): (type: string, stored: KObject) => string {
  const { entry, wanted, ctx, url } = r;
  let first = true;
  return (type, stored) => {
    const obj = present(entry, stored);
    let object: unknown = obj;
    if (wanted.table) {
      object = ctx.toTable({
        entry,
        objects: [obj],
        wanted,
        includeObject: url.searchParams.get("includeObject") ?? "Metadata",
        noHeaders: !first,
        listMeta: { resourceVersion: obj.metadata?.resourceVersion },
      });
    } else if (wanted.partial) {
      object = partialMetadata(obj, wanted.tableVersion);
    }
    first = false;
    return `${JSON.stringify({ type, object })}\n`;
  };
}

/** A BOOKMARK event: only the kind, apiVersion and resourceVersion are meaningful. */
export function bookmarkLine(r: ResourceRequest, revision: number): string {
  const info = r.entry.info;
  const apiVersion = info.group ? `${info.group}/${info.version}` : info.version;
  return `${JSON.stringify({
    type: "BOOKMARK",
    object: { kind: info.kind, apiVersion, metadata: { resourceVersion: String(revision) } },
  })}\n`;
}
