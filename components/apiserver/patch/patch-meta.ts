// PatchMeta: the per-field facts strategic merge patch and server-side apply need, taken from
// upstream's Go struct tags (patchStrategy, patchMergeKey) and list/map type markers
// (kubernetes/api core/v1/types.go, apps/v1/types.go; apimachinery pkg/apis/meta/v1/types.go).

export interface PatchMeta {
  /** The fields of an object value; for a list, the fields of its items. */
  readonly fields?: Readonly<Record<string, PatchMeta>>;
  /** The meta of every value of a map with arbitrary keys (`map[string]T`). */
  readonly values?: PatchMeta;
  /**
   * Lists: "merge" merges items (by `mergeKey` for objects, as a set for primitives); without it
   * a list is replaced whole. Objects: "replace" replaces the object whole.
   */
  readonly strategy?: "merge" | "replace";
  /** The field identifying an item of a merged list of objects (`patchMergeKey`). */
  readonly mergeKey?: string;
  /** `patchStrategy: retainKeys`: a `$retainKeys` directive clears the fields it does not list. */
  readonly retainKeys?: boolean;
  /**
   * Server-side apply: the keys of a list-map when they differ from the merge key (or when the
   * list is a list-map for apply but has no merge strategy, like container resource claims).
   */
  readonly listMapKeys?: readonly string[];
  /** Server-side apply: defaults of list-map keys the applied config may leave out. */
  readonly keyDefaults?: Readonly<Record<string, string | number | boolean>>;
  /** Server-side apply: an object owned as a whole (`structType=atomic`, e.g. LabelSelector). */
  readonly atomic?: boolean;
}

/** The meta of member `key` of an object described by `meta`. */
export function fieldMeta(meta: PatchMeta | undefined, key: string): PatchMeta | undefined {
  return meta?.fields?.[key] ?? meta?.values;
}

/** How server-side apply identifies the items of a list. */
export type ListKind = { type: "map"; keys: readonly string[] } | { type: "set" } | { type: "atomic" };

export function listKind(meta: PatchMeta | undefined): ListKind {
  if (meta?.listMapKeys) return { type: "map", keys: meta.listMapKeys };
  if (meta?.strategy !== "merge") return { type: "atomic" };
  if (meta.mergeKey === undefined) return { type: "set" };
  return { type: "map", keys: [meta.mergeKey] };
}
