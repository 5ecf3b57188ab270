// A client addressed by resource (client-go's dynamic client: Resource(gvr).Namespace(ns)): paths
// from lib/api/resource-path.ts (names checked and escaped there; a bad one rejects before any
// request), verbs mapped to lib/client/api-client.ts.

import { type ResourceRef, resourceFor } from "../api/resource-lookup.ts";
import { resourcePath } from "../api/resource-path.ts";
import type { ResourceInfo } from "../api/resources.ts";
import type { ApiClient, ListOptions, PatchType, WatchEvent, WatchOptions } from "./api-client.ts";

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: string;
  /** Precondition: delete only the object with this uid. */
  uid?: string;
}

export interface ObjectList<T> {
  apiVersion?: string;
  kind?: string;
  metadata?: { resourceVersion?: string; continue?: string };
  items: T[];
}

interface Named {
  metadata?: { name?: string; namespace?: string };
}

/** What create and update send: a typed object, or any object literal with metadata. */
type Body<T> = T | (Named & Record<string, unknown>);

export class ResourceClient<T = unknown> {
  readonly info: ResourceInfo;

  constructor(
    private readonly client: ApiClient,
    ref: ResourceRef,
    private readonly ns?: string,
  ) {
    this.info = resourceFor(ref);
    if (ns) resourcePath(this.info, { namespace: ns }); // rejects a bad namespace now
  }

  /** The same resource in namespace `ns` ("" for all namespaces). */
  namespace(ns: string): ResourceClient<T> {
    return new ResourceClient<T>(this.client, this.info, ns);
  }

  /** The URL path of the collection, of one object, or of one object's subresource. */
  path(name?: string, subresource?: string): string {
    return resourcePath(this.info, { namespace: this.ns, name, subresource });
  }

  async get(name: string, subresource?: string): Promise<T> {
    return this.client.get<T>(this.path(name, subresource));
  }

  /** The object, or undefined on 404. */
  async getIfExists(name: string): Promise<T | undefined> {
    return this.client.getIfExists<T>(this.path(name));
  }

  async list(options?: ListOptions): Promise<ObjectList<T>> {
    return this.client.list<ObjectList<T>>(this.path(), options);
  }

  async create(object: Body<T>): Promise<T> {
    return this.client.create<T>(this.path(), object);
  }

  /** POST to a subresource of `name` (pods/binding, pods/eviction, serviceaccounts/token). */
  async createSubresource<R>(name: string, subresource: string, body: unknown): Promise<R> {
    return this.client.create<R>(this.path(name, subresource), body);
  }

  /** PUT the object (named by its metadata) or its `subresource` ("status", "scale"). */
  async update(object: Body<T>, subresource?: string): Promise<T> {
    return this.client.update<T>(this.path((object as Named).metadata?.name ?? "", subresource), object);
  }

  async updateStatus(object: Body<T>): Promise<T> {
    return this.update(object, "status");
  }

  async patch(name: string, body: unknown, type: PatchType = "merge", subresource?: string): Promise<T> {
    return this.client.patch<T>(this.path(name, subresource), body, type);
  }

  async delete<R = unknown>(name: string, options?: DeleteOptions): Promise<R> {
    return this.client.delete<R>(this.path(name), options);
  }

  async *watch(options?: WatchOptions): AsyncGenerator<WatchEvent<T>> {
    yield* this.client.watch<T>(this.path(), options);
  }
}

/** `resource(client, "deployments.apps").namespace("default").get("web")`. */
export function resource<T = unknown>(client: ApiClient, ref: ResourceRef): ResourceClient<T> {
  return new ResourceClient<T>(client, ref);
}
