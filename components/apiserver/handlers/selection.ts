// Turning ?labelSelector= and ?fieldSelector= into one predicate over stored objects, with
// upstream's 400s for bad syntax and unsupported field labels.
import { StatusError } from "../../../lib/errors/status-error.ts";
import { type FieldSelector, matchesFields, parseFieldSelector } from "../../../lib/fields/selector.ts";
import { matches, parseSelector, type Selector } from "../../../lib/labels/selector.ts";
import type { KObject, Stored } from "../registry/object.ts";
import type { Entry } from "../registry/registry.ts";
import type { Scope } from "../registry/store.ts";

export function fieldsOf(entry: Entry, obj: KObject): Record<string, string> {
  return {
    ...entry.strategy.fields?.(obj),
    "metadata.name": obj.metadata?.name ?? "",
    "metadata.namespace": obj.metadata?.namespace ?? "",
  };
}

export function selectionScope(entry: Entry, url: URL, namespace: string): Scope {
  let labels: Selector = [];
  let fields: FieldSelector = [];
  try {
    labels = parseSelector(url.searchParams.get("labelSelector") ?? "");
  } catch (err) {
    throw StatusError.badRequest(
      `unable to parse requirement: ${(err as Error).message.replace(/^unable to parse requirement: /, "")}`,
    );
  }
  try {
    fields = parseFieldSelector(url.searchParams.get("fieldSelector") ?? "");
  } catch (err) {
    throw StatusError.badRequest((err as Error).message);
  }
  if (fields.length > 0) {
    const supported = new Set(Object.keys(fieldsOf(entry, {})));
    for (const f of fields) {
      if (!supported.has(f.field)) throw StatusError.badRequest(`field label not supported: ${f.field}`);
    }
  }
  if (labels.length === 0 && fields.length === 0) return { namespace };
  return {
    namespace,
    filtered: true,
    filter: (obj: Stored) =>
      matches(labels, obj.metadata.labels ?? undefined) &&
      (fields.length === 0 || matchesFields(fields, fieldsOf(entry, obj))),
  };
}
