// An in-apiserver cache of one resource: list, then follow the store's watch (relisting after
// a compaction or an error), calling back on every change. The authorizers' indexes are fed by
// it, as upstream's RBAC and Node authorizers are fed by shared informers.
import type { Stored } from "../registry/object.ts";
import type { Store } from "../registry/store.ts";

/**
 * `obj` without metadata.managedFields, sharing the rest. No authorizer reads them, and the
 * Node authorizer holds every pod: with them a cached pod is about half again as large.
 */
function withoutManagedFields(obj: Stored): Stored {
  if (obj.metadata.managedFields === undefined) return obj;
  const { managedFields: _dropped, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

export type Change = { type: "set"; obj: Stored; old?: Stored } | { type: "delete"; obj: Stored };

export class WatchedObjects {
  readonly objects = new Map<string, Stored>();
  private readonly abort = new AbortController();

  constructor(
    private readonly store: Store,
    private readonly onChange: (change: Change) => void = () => undefined,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  /** Resolves once the first list is in the cache; changes follow until stop(). */
  async start(): Promise<void> {
    const rv = await this.relist();
    void this.follow(rv);
  }

  stop(): void {
    this.abort.abort();
  }

  get(namespace: string, name: string): Stored | undefined {
    return this.objects.get(namespace ? `${namespace}/${name}` : name);
  }

  private keyOf(obj: Stored): string {
    const m = obj.metadata;
    return m.namespace ? `${m.namespace}/${m.name}` : (m.name ?? "");
  }

  private set(full: Stored): void {
    const obj = withoutManagedFields(full);
    const key = this.keyOf(obj);
    const old = this.objects.get(key);
    this.objects.set(key, obj);
    this.onChange(old ? { type: "set", obj, old } : { type: "set", obj });
  }

  private remove(obj: Stored): void {
    const key = this.keyOf(obj);
    const old = this.objects.get(key);
    if (!old) return;
    this.objects.delete(key);
    this.onChange({ type: "delete", obj: old });
  }

  private async relist(): Promise<string> {
    const list = await this.store.list({ namespace: "" });
    const seen = new Set<string>();
    for (const obj of list.items) {
      seen.add(this.keyOf(obj));
      this.set(obj);
    }
    for (const [key, obj] of [...this.objects]) if (!seen.has(key)) this.remove(obj);
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
        })) {
          if (ev.type === "PROGRESS" || ev.type === "BOOKMARK") continue;
          if (ev.type === "ERROR") {
            rv = "";
            break;
          }
          const obj = ev.object as Stored;
          rv = obj.metadata.resourceVersion ?? rv;
          if (ev.type === "DELETED") this.remove(obj);
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
