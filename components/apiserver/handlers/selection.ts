// Turning ?labelSelector= and ?fieldSelector= into one predicate over stored objects, with
// upstream's 400s for bad syntax and unsupported field labels.
import { StatusError } from "../../../lib/errors/status-error.ts";
import { type FieldSelector, matchesFields, parseFieldSelector } from "../../../lib/fields/selector.ts";
import { matches, parseSelector, type Selector } from "../../../lib/labels/selector.ts";
import type { KObject, Stored } from "../registry/object.ts";
import type { Entry } from "../registry/registry.ts";
import type { Scope } from "../registry/store.ts";
import { memberNeedle, storedPrefilter } from "../registry/stored-prefilter.ts";

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
  const prefilter = storedPrefilter([...labelNeedles(labels), ...fieldNeedles(entry, fields)]);
  return {
    namespace,
    filtered: true,
    ...(prefilter ? { prefilter } : {}),
    ...indexHint(entry, fields),
    ...nameHint(entry, fields, namespace),
    filter: (obj: Stored) =>
      matches(labels, obj.metadata.labels ?? undefined) &&
      (fields.length === 0 || matchesFields(fields, fieldsOf(entry, obj))),
  };
}

/**
 * Field labels whose value is a string member of the stored object, copied verbatim (the
 * strategies' `fields` read them with `str`), by the member's name: an equality on them needs
 * that member's text in the stored JSON.
 */
const VERBATIM_FIELDS: Record<string, string> = {
  "metadata.name": "name",
  "metadata.namespace": "namespace",
};
const VERBATIM_POD_FIELDS: Record<string, string> = {
  "spec.nodeName": "nodeName",
  "spec.restartPolicy": "restartPolicy",
  "spec.schedulerName": "schedulerName",
  "spec.serviceAccountName": "serviceAccountName",
  "status.phase": "phase",
  "status.nominatedNodeName": "nominatedNodeName",
};

/** A pod list by node (every kubelet's) can use the watch cache's index, as upstream's cacher does. */
function indexHint(entry: Entry, fields: FieldSelector): { index?: { member: string; value: string } } {
  if (entry.info.group !== "" || entry.info.plural !== "pods") return {};
  const byNode = fields.find((f) => f.field === "spec.nodeName" && f.operator === "=" && f.value !== "");
  return byNode ? { index: { member: "nodeName", value: byNode.value } } : {};
}

/**
 * A metadata.name equality names one key when the namespace is known (a kubelet's Node informer,
 * an informer on one ConfigMap): a watch cache can watch that key alone.
 */
function nameHint(entry: Entry, fields: FieldSelector, namespace: string): { name?: string } {
  if (entry.store.resource.namespaced && namespace === "") return {};
  const byName = fields.find((f) => f.field === "metadata.name" && f.operator === "=" && f.value !== "");
  return byName ? { name: byName.value } : {};
}

/** Text a matching object's stored JSON must hold, per `=`/`in`/`exists` label requirement. */
function labelNeedles(labels: Selector): string[][] {
  const groups: string[][] = [];
  for (const r of labels) {
    if (r.operator === "=" || r.operator === "in") groups.push(r.values.map((v) => memberNeedle(r.key, v)));
    else if (r.operator === "exists" || r.operator === "gt" || r.operator === "lt")
      groups.push([`${JSON.stringify(r.key)}:`]);
  }
  return groups;
}

/** The same for `field=value` on verbatim fields (an empty value also matches an absent field). */
function fieldNeedles(entry: Entry, fields: FieldSelector): string[][] {
  const pods = entry.info.group === "" && entry.info.plural === "pods";
  const groups: string[][] = [];
  for (const f of fields) {
    const member = VERBATIM_FIELDS[f.field] ?? (pods ? VERBATIM_POD_FIELDS[f.field] : undefined);
    if (f.operator === "=" && f.value !== "" && member) groups.push([memberNeedle(member, f.value)]);
  }
  return groups;
}
