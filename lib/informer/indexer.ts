// An indexed object store (client-go tools/cache Indexer over threadSafeMap): objects by
// "namespace/name" key plus named indexes, each an index function from an object to the values
// it is filed under; the namespace index is built in. Indexes are updated on every write.

/** What the namespace index reads of an object. */
interface Namespaced {
  metadata?: { namespace?: string };
}

/** The values an object is filed under in one index (client-go IndexFunc). */
export type IndexFunc<T> = (object: T) => string[];

/** The name of the built-in namespace index (client-go cache.NamespaceIndex). */
export const NAMESPACE_INDEX = "namespace";

/** client-go MetaNamespaceIndexFunc: a namespaced object under its namespace. */
export function namespaceIndexFunc(object: Namespaced): string[] {
  const ns = object.metadata?.namespace;
  return ns ? [ns] : [];
}

export class Indexer<T extends Namespaced> {
  private readonly items = new Map<string, T>();
  private readonly funcs = new Map<string, IndexFunc<T>>([[NAMESPACE_INDEX, namespaceIndexFunc]]);
  /** index name -> indexed value -> keys */
  private readonly indices = new Map<string, Map<string, Set<string>>>([[NAMESPACE_INDEX, new Map()]]);

  /** Adds indexes; existing objects are indexed at once. A name already in use throws (client-go). */
  addIndexers(indexers: Record<string, IndexFunc<T>>): void {
    const taken = Object.keys(indexers).filter((name) => this.funcs.has(name));
    if (taken.length) throw new Error(`indexer conflict: ${taken.join(", ")}`);
    for (const [name, fn] of Object.entries(indexers)) {
      this.funcs.set(name, fn);
      const index = new Map<string, Set<string>>();
      this.indices.set(name, index);
      for (const [key, object] of this.items) file(index, fn(object), key);
    }
  }

  /** True when an index of that name exists (client-go GetIndexers()[name]). */
  hasIndex(name: string): boolean {
    return this.funcs.has(name);
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  list(): T[] {
    return [...this.items.values()];
  }

  keys(): IterableIterator<string> {
    return this.items.keys();
  }

  entries(): IterableIterator<[string, T]> {
    return this.items.entries();
  }

  get size(): number {
    return this.items.size;
  }

  set(key: string, object: T): void {
    const old = this.items.get(key);
    this.items.set(key, object);
    for (const [name, fn] of this.funcs) {
      const index = this.indices.get(name) as Map<string, Set<string>>;
      if (old) unfile(index, fn(old), key);
      file(index, fn(object), key);
    }
  }

  delete(key: string): void {
    const old = this.items.get(key);
    if (!old) return;
    this.items.delete(key);
    for (const [name, fn] of this.funcs)
      unfile(this.indices.get(name) as Map<string, Set<string>>, fn(old), key);
  }

  /** Keys of the objects filed under `value` in index `name` (client-go IndexKeys). */
  indexKeys(name: string, value: string): string[] {
    return [...(this.index(name).get(value) ?? [])];
  }

  /** The objects filed under `value` in index `name` (client-go ByIndex). */
  byIndex(name: string, value: string): T[] {
    const out: T[] = [];
    for (const key of this.index(name).get(value) ?? []) {
      const object = this.items.get(key);
      if (object) out.push(object);
    }
    return out;
  }

  /** Every value index `name` holds objects under (client-go ListIndexFuncValues). */
  indexValues(name: string): string[] {
    return [...this.index(name).keys()];
  }

  private index(name: string): Map<string, Set<string>> {
    const index = this.indices.get(name);
    if (!index) throw new Error(`Index with name ${name} does not exist`);
    return index;
  }
}

function file(index: Map<string, Set<string>>, values: string[], key: string): void {
  for (const value of values) {
    const keys = index.get(value);
    if (keys) keys.add(key);
    else index.set(value, new Set([key]));
  }
}

function unfile(index: Map<string, Set<string>>, values: string[], key: string): void {
  for (const value of values) {
    const keys = index.get(value);
    if (!keys) continue;
    keys.delete(key);
    if (keys.size === 0) index.delete(value);
  }
}
