// Every served resource with its store and strategy, looked up by the URL's group, version
// and plural. Versions of one resource (autoscaling v1 and v2) share one store; a Codec
// converts between the served version and the stored one.
import { isStored, type ResourceInfo } from "../../../lib/api/resources.ts";
import type { KV } from "../../../storage/kv.ts";
import type { KObject } from "./object.ts";
import { Store } from "./store.ts";
import type { Strategy } from "./strategy.ts";

/** Conversion between a served version and the storage version (identity when absent). */
export interface Codec {
  toStorage(obj: KObject): KObject;
  fromStorage(obj: KObject): KObject;
}

/** Where a custom resource keeps its replicas and selector (a CRD's scale subresource). */
export interface ScalePaths {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

export interface Entry {
  info: ResourceInfo;
  store: Store;
  strategy: Strategy;
  codec?: Codec;
  /** A custom resource's printer columns (additionalPrinterColumns); [] for the default Age. */
  columns?: PrinterColumn[];
  scale?: ScalePaths;
}

export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  format?: string;
  priority?: number;
}

/** What a custom resource's entry brings beyond its ResourceInfo. */
export interface EntryExtras {
  prefix?: string;
  strategy?: Strategy;
  columns?: PrinterColumn[];
  scale?: ScalePaths;
}

export interface RegistryOptions {
  kv: KV;
  resources: ResourceInfo[];
  strategyFor: (group: string, kind: string) => Strategy;
  codecFor?: (info: ResourceInfo) => Codec | undefined;
}

export class Registry {
  private readonly entries = new Map<string, Entry>();
  private readonly stores = new Map<string, Store>();
  private list: ResourceInfo[] = [];

  constructor(private readonly options: RegistryOptions) {
    for (const info of options.resources) this.add(info);
  }

  /** Serve one more resource (custom resources are added when their CRD is established). */
  add(info: ResourceInfo, extras: EntryExtras = {}): Entry {
    const prefix = extras.prefix ?? info.storagePrefix;
    const storeKey = `${info.group}/${info.plural}`;
    let store = this.stores.get(storeKey);
    if (!store) {
      store = new Store(this.options.kv, info, prefix);
      this.stores.set(storeKey, store);
    }
    const entry: Entry = {
      info,
      store,
      strategy: extras.strategy ?? this.options.strategyFor(info.group, info.kind),
    };
    if (extras.columns) entry.columns = extras.columns;
    if (extras.scale) entry.scale = extras.scale;
    const codec = this.options.codecFor?.(info);
    if (codec) entry.codec = codec;
    this.entries.set(entryKey(info.group, info.version, info.plural), entry);
    this.list = this.list.filter(
      (r) => !(r.group === info.group && r.version === info.version && r.plural === info.plural),
    );
    this.list.push(info);
    return entry;
  }

  remove(group: string, version: string, plural: string): void {
    this.entries.delete(entryKey(group, version, plural));
    this.list = this.list.filter((r) => !(r.group === group && r.version === version && r.plural === plural));
  }

  lookup(group: string, version: string, plural: string): Entry | undefined {
    return this.entries.get(entryKey(group, version, plural));
  }

  /** The preferred (first listed) entry of a kind in a group, for binding and owner lookups. */
  byKind(group: string, kind: string, version?: string): Entry | undefined {
    const info = this.list.find(
      (r) => r.group === group && r.kind === kind && (!version || r.version === version) && isStored(r),
    );
    return info && this.lookup(info.group, info.version, info.plural);
  }

  /** The served resources, in discovery order. */
  resources(): ResourceInfo[] {
    return this.list;
  }
}

function entryKey(group: string, version: string, plural: string): string {
  return `${group}/${version}/${plural}`;
}
