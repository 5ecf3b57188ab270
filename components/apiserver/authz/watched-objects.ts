// An in-apiserver cache of one resource: list, then follow the store's watch (relisting after
// a compaction or an error), calling back on every change. The authorizers' indexes are fed by
// it, as upstream's RBAC and Node authorizers are fed by shared informers.
import type { Stored } from "../registry/object.ts";
import type { Store } from "../registry/store.ts";
import type { StoredPrefilter } from "../registry/stored-prefilter.ts";

/**
 * `obj` without metadata.managedFields, sharing the rest (the default projection): no authorizer
 * reads them, and with them a cached object is about half again as large.
 */
export function withoutManagedFields(obj: Stored): Stored {
  if (obj.metadata.managedFields === undefined) return obj;
  const { managedFields: _dropped, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

export type Change<T = Stored> = { type: "set"; obj: T; old?: T } | { type: "delete"; obj: T };

/**
 * What a cache keeps of an object; undefined keeps nothing (as if the object were deleted).
 * The Node authorizer keeps a pod's edges (node and references), not the pod, as upstream's graph.
 */
export type Projection<T> = (obj: Stored) => T | undefined;

export class WatchedObjects<T = Stored> {
  readonly objects = new Map<string, T>();
  private readonly abort = new AbortController();

  constructor(
    private readonly store: Store,
    private readonly onChange: (change: Change<T>) => void = () => undefined,
    private readonly log: (line: string) => void = () => undefined,
    private readonly project: Projection<T> = withoutManagedFields as unknown as Projection<T>,
    /**
     * Objects whose stored bytes fail it (new and old value) are never parsed: they project to
     * nothing. The Node authorizer skips unbound pods so (upstream's graph_populator returns early
     * for a pod without spec.nodeName).
     */
    private readonly prefilter?: StoredPrefilter,
  ) {}

  /** Resolves once the first list is in the cache; changes follow until stop(). */
  async start(): Promise<void> {
    const rv = await this.relist();
    void this.follow(rv);
  }

  stop(): void {
    this.abort.abort();
  }

  get(namespace: string, name: string): T | undefined {
    return this.objects.get(namespace ? `${namespace}/${name}` : name);
  }

  private keyOf(obj: Stored): string {
    const m = obj.metadata;
    return m.namespace ? `${m.namespace}/${m.name}` : (m.name ?? "");
  }

  private set(full: Stored): void {
    const key = this.keyOf(full);
    const obj = this.project(full);
    if (obj === undefined) {
      this.removeKey(key);
      return;
    }
    const old = this.objects.get(key);
    this.objects.set(key, obj);
    this.onChange(old ? { type: "set", obj, old } : { type: "set", obj });
  }

  private removeKey(key: string): void {
    const old = this.objects.get(key);
    if (old === undefined) return;
    this.objects.delete(key);
    this.onChange({ type: "delete", obj: old });
  }

  private async relist(): Promise<string> {
    const list = await this.store.list({
      namespace: "",
      ...(this.prefilter ? { prefilter: this.prefilter } : {}),
    });
    const seen = new Set<string>();
    for (const obj of list.items) {
      seen.add(this.keyOf(obj));
      this.set(obj);
    }
    for (const key of [...this.objects.keys()]) if (!seen.has(key)) this.removeKey(key);
    return list.resourceVersion;
  }

  private async follow(resourceVersion: string): Promise<void> {
    let rv = resourceVersion;
    while (!this.abort.signal.aborted) {
      try {
        for await (const ev of this.store.watch({
          namespace: "",
          resourceVersion: rv,
          signal: this.abort.signal,
          ...(this.prefilter ? { prefilter: this.prefilter } : {}),
        })) {
          if (ev.type === "PROGRESS" || ev.type === "BOOKMARK") continue;
          if (ev.type === "ERROR") {
            rv = "";
            break;
          }
          const obj = ev.object as Stored;
          rv = obj.metadata.resourceVersion ?? rv;
          if (ev.type === "DELETED") this.removeKey(this.keyOf(obj));
          else this.set(obj);
        }
      } catch (err) {
        if (this.abort.signal.aborted) return;
        this.log(
          `authorization cache of ${this.store.resource.plural}: ${(err as Error).message}; relisting`,
        );
        rv = "";
      }
      if (rv === "" && !this.abort.signal.aborted) {
        try {
          rv = await this.relist();
        } catch (err) {
          this.log(`authorization cache of ${this.store.resource.plural}: ${(err as Error).message}`);
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
    }
  }
}
