// Shared informers (client-go's SharedInformerFactory): one LIST+WATCH per collection path,
// shared by every controller of a process that asks for it, started on first use.

import type { ResourceRef } from "../api/resource-lookup.ts";
import { resourcePath } from "../api/resource-path.ts";
import type { ApiClient } from "../client/api-client.ts";
import type { Clock } from "../clock/clock.ts";
import { Informer, type ObjectMeta } from "./informer.ts";

export class InformerFactory {
  private readonly informers = new Map<string, Informer<ObjectMeta>>();

  constructor(
    private readonly client: ApiClient,
    private readonly log: (line: string) => void,
    private readonly clock?: Clock,
  ) {}

  /** The shared informer for a collection path such as "/api/v1/pods" or "/apis/apps/v1/replicasets". */
  for<T extends ObjectMeta>(path: string): Informer<T> {
    let informer = this.informers.get(path);
    if (!informer) {
      informer = new Informer<ObjectMeta>({ client: this.client, path, log: this.log, clock: this.clock });
      this.informers.set(path, informer);
      informer.start();
    }
    return informer as unknown as Informer<T>;
  }

  /** The shared informer for a resource across namespaces: `forResource<Pod>("pods")`. */
  forResource<T extends ObjectMeta>(ref: ResourceRef): Informer<T> {
    return this.for<T>(resourcePath(ref));
  }

  /** Resolves once every informer created so far has listed. */
  async synced(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.synced));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
  }
}
