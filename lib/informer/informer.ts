// A shared-informer-shaped cache (client-go tools/cache): LIST, then WATCH from the list's
// resourceVersion, keeping an in-memory store and calling handlers; on a broken watch it
// resumes from the last seen resourceVersion, and relists when that is too old (410 Gone).
// The store is an Indexer: by key, by namespace, and by any index function added. Objects lose
// metadata.managedFields before they are stored (upstream's TransformStripManagedFields).

import type { ApiClient, WatchEvent } from "../client/api-client.ts";
import { type Clock, realClock } from "../clock/clock.ts";
import { StatusError } from "../errors/status-error.ts";
import { Indexer, type IndexFunc, NAMESPACE_INDEX } from "./indexer.ts";

export interface ObjectMeta {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string; uid?: string };
}

export interface InformerHandlers<T> {
  onAdd?(object: T): void;
  onUpdate?(old: T, object: T): void;
  onDelete?(object: T): void;
}

export interface InformerOptions<T> extends InformerHandlers<T> {
  client: ApiClient;
  /** Collection path, e.g. "/api/v1/pods". */
  path: string;
  labelSelector?: string;
  fieldSelector?: string;
  log?: (line: string) => void;
  /** Delay before a retry after an error (ms); default 1000. */
  retryDelayMs?: number;
  /** Times the retry delay; defaults to the real clock. */
  clock?: Clock;
  /**
   * Keep metadata.managedFields in the cached objects. By default they are dropped, as upstream's
   * kube-scheduler and kube-controller-manager do with TransformStripManagedFields: no consumer
   * reads them, and at scale they are about a third of a cached Pod.
   */
  keepManagedFields?: boolean;
}

interface ListResult<T> {
  metadata?: { resourceVersion?: string };
  items?: T[];
}

/**
 * `object` without metadata.managedFields (client-go TransformStripManagedFields). The metadata
 * is rebuilt rather than `delete`d from, which would turn it into a slower dictionary object.
 */
export function stripManagedFields<T extends ObjectMeta>(object: T): T {
  const metadata = object.metadata as (ObjectMeta["metadata"] & { managedFields?: unknown }) | undefined;
  if (metadata?.managedFields === undefined) return object;
  const { managedFields: _dropped, ...rest } = metadata;
  object.metadata = rest;
  return object;
}

/** "namespace/name", or "name" for cluster-scoped objects: client-go's MetaNamespaceKey. */
export function objectKey(object: ObjectMeta): string {
  const m = object.metadata ?? {};
  return m.namespace ? `${m.namespace}/${m.name}` : (m.name ?? "");
}

export class Informer<T extends ObjectMeta> {
  private readonly store = new Indexer<T>();
  private readonly abort = new AbortController();
  private resourceVersion = "";
  private markSynced!: () => void;
  /** Resolves after the first LIST has filled the store and its handlers ran. */
  readonly synced = new Promise<void>((resolve) => {
    this.markSynced = resolve;
  });
  private running: Promise<void> | undefined;
  private readonly handlers: InformerHandlers<T>[] = [];

  constructor(private readonly options: InformerOptions<T>) {
    this.handlers.push(options);
  }

  /** Adds handlers; objects already in the store are replayed to them as adds (client-go semantics). */
  addHandlers(handlers: InformerHandlers<T>): void {
    this.handlers.push(handlers);
    for (const object of this.store.list()) handlers.onAdd?.(object);
  }

  private emitAdd(object: T): void {
    for (const h of this.handlers) h.onAdd?.(object);
  }

  private emitUpdate(old: T, object: T): void {
    for (const h of this.handlers) h.onUpdate?.(old, object);
  }

  private emitDelete(object: T): void {
    for (const h of this.handlers) h.onDelete?.(object);
  }

  start(): void {
    this.running ??= this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
  }

  list(): T[] {
    return this.store.list();
  }

  get(key: string): T | undefined {
    return this.store.get(key);
  }

  /** Adds named index functions (client-go AddIndexers); objects already cached are indexed at once. */
  addIndexers(indexers: Record<string, IndexFunc<T>>): void {
    this.store.addIndexers(indexers);
  }

  /** True when an index of that name exists, so shared informers add a well-known index once. */
  hasIndex(name: string): boolean {
    return this.store.hasIndex(name);
  }

  /** The cached objects filed under `value` in index `name` (client-go ByIndex). */
  byIndex(name: string, value: string): T[] {
    return this.store.byIndex(name, value);
  }

  /** Keys of the cached objects filed under `value` in index `name` (client-go IndexKeys). */
  indexKeys(name: string, value: string): string[] {
    return this.store.indexKeys(name, value);
  }

  /** The cached objects of one namespace, through the built-in namespace index. */
  listNamespace(namespace: string): T[] {
    return this.store.byIndex(NAMESPACE_INDEX, namespace);
  }

  private async run(): Promise<void> {
    const { client, path, labelSelector, fieldSelector } = this.options;
    const retry = this.options.retryDelayMs ?? 1000;
    while (!this.abort.signal.aborted) {
      try {
        if (!this.resourceVersion) await this.relist();
        for await (const event of client.watch<T>(path, {
          labelSelector,
          fieldSelector,
          resourceVersion: this.resourceVersion,
          allowWatchBookmarks: true,
          signal: this.abort.signal,
        })) {
          this.apply(event);
        }
      } catch (error) {
        if (this.abort.signal.aborted) return;
        if (error instanceof StatusError && error.code === 410) this.resourceVersion = "";
        this.options.log?.(`informer ${path}: ${(error as Error).message}; retrying`);
        await this.delay(retry);
      }
    }
  }

  private delay(ms: number): Promise<void> {
    return (this.options.clock ?? realClock).sleep(ms, this.abort.signal);
  }

  private async relist(): Promise<void> {
    const { client, path, labelSelector, fieldSelector } = this.options;
    const signal = this.abort.signal;
    const result = await client.list<ListResult<T>>(path, { labelSelector, fieldSelector, signal });
    const seen = new Set<string>();
    for (const raw of result.items ?? []) {
      const item = this.transform(raw);
      const key = objectKey(item);
      seen.add(key);
      const old = this.store.get(key);
      this.store.set(key, item);
      if (old) this.emitUpdate(old, item);
      else this.emitAdd(item);
    }
    for (const [key, old] of [...this.store.entries()]) {
      if (seen.has(key)) continue;
      this.store.delete(key);
      this.emitDelete(old);
    }
    this.resourceVersion = result.metadata?.resourceVersion ?? "";
    this.markSynced();
  }

  /** The object as cached: decoded for this informer alone, so it is changed in place. */
  private transform(object: T): T {
    return this.options.keepManagedFields ? object : stripManagedFields(object);
  }

  private apply(event: WatchEvent<T>): void {
    if (event.type === "ERROR") {
      const status = event.object as unknown as { code?: number; message?: string };
      if (status.code === 410) this.resourceVersion = "";
      throw StatusError.of(status.code ?? 500, "Expired", status.message ?? "watch error");
    }
    const rv = event.object.metadata?.resourceVersion;
    if (rv) this.resourceVersion = rv;
    if (event.type === "BOOKMARK") return;
    const object = this.transform(event.object);
    const key = objectKey(object);
    const old = this.store.get(key);
    if (event.type === "DELETED") {
      this.store.delete(key);
      this.emitDelete(old ?? object);
      return;
    }
    this.store.set(key, object);
    if (old) this.emitUpdate(old, object);
    else this.emitAdd(object);
  }
}
