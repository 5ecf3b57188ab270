// NamespaceLifecycle's set of active namespaces, fed by a watch of the namespaces store (upstream's
// plugin reads a namespace informer's lister the same way). It only ever answers "active": an
// unknown or terminating namespace is read live by the caller.
import type { Stored } from "../registry/object.ts";
import type { Store } from "../registry/store.ts";

export class NamespaceCache {
  private readonly active = new Set<string>();
  private watching = false;
  private readonly abort = new AbortController();

  constructor(private readonly store: () => Store | undefined) {}

  /** True when the namespace exists and is not terminating, as the watch last told. */
  isActive(name: string): boolean {
    if (!this.watching) this.follow();
    return this.active.has(name);
  }

  stop(): void {
    this.abort.abort();
    this.active.clear();
  }

  /** Starts the watch; when it ends (error, compaction, closed store) the set empties and the next lookup restarts it. */
  private follow(): void {
    const store = this.store();
    if (!store || this.abort.signal.aborted) return;
    this.watching = true;
    void (async () => {
      try {
        for await (const ev of store.watch({
          namespace: "",
          resourceVersion: "",
          signal: this.abort.signal,
        })) {
          if (ev.type === "PROGRESS") continue;
          if (ev.type === "ERROR") break;
          const name = ev.object.metadata?.name ?? "";
          if (ev.type !== "DELETED" && activeNamespace(ev.object as Stored)) this.active.add(name);
          else this.active.delete(name);
        }
      } catch {
        // Lookups go live until the next one restarts the watch.
      }
      this.active.clear();
      this.watching = false;
    })();
  }
}

function activeNamespace(obj: Stored): boolean {
  return (
    !obj.metadata.deletionTimestamp && (obj.status as { phase?: string } | undefined)?.phase !== "Terminating"
  );
}
