// A fake API server for controller unit tests (upstream client-go's fake clientset and object
// tracker): objects held in memory, LIST and open-ended WATCH for informers, discovery from the
// resource table, every request recorded as an action, and reactors to make a verb fail. Writes change the store but are not
// sent to watchers: as in upstream controller tests, the informers show what the test put there.

import type { ObjectMeta } from "kubernetes-types/meta/v1";
import { RESOURCES, type ResourceInfo } from "../../../../lib/api/resources.ts";
import type { FetchLike } from "../../../../lib/client/api-client.ts";
import { StatusError, successStatus } from "../../../../lib/errors/status-error.ts";
import { statusResponse } from "../../../../lib/errors/status-response.ts";
import { type ApiPath, parseApiPath } from "./api-path.ts";
import { applyPatch } from "./apply-patch.ts";
import { discoveryDocument } from "./fake-discovery.ts";

export type Verb = "get" | "list" | "watch" | "create" | "update" | "patch" | "delete" | "deletecollection";

export interface Action extends ApiPath {
  verb: Verb;
  /** The decoded request body (create, update, patch). */
  body?: unknown;
}

export interface FakeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}

/** Answers an action instead of the store (a thrown StatusError becomes its Status), or passes. */
export type Reactor = (action: Action) => unknown | undefined;

interface Watcher {
  collection: string;
  namespace?: string;
  push(line: string): void;
}

const WRITES = new Set<Verb>(["create", "update", "patch", "delete", "deletecollection"]);

export class FakeApi {
  readonly actions: Action[] = [];
  /** What discovery (/api, /apis, ...) serves; a test may add custom resources. */
  readonly resources: ResourceInfo[] = [...RESOURCES];
  private readonly collections = new Map<string, Map<string, FakeObject>>();
  private readonly watchers = new Set<Watcher>();
  private readonly reactors: { verb: Verb | "*"; resource: string; react: Reactor }[] = [];
  private revision = 1;
  private uids = 0;

  /** Pass to `new ApiClient({ server, fetch })`. */
  readonly fetch: FetchLike = (request) => this.handle(request);

  /** Puts objects in the store (what the informers list), collection derived from `path`. */
  seed(path: string, ...objects: FakeObject[]): void {
    for (const object of objects) this.store(parseApiPath(path).collection, this.stamp(object));
  }

  /** Stores `object` and sends ADDED or MODIFIED to the watchers (the informers see it). */
  apply(path: string, object: FakeObject): FakeObject {
    const collection = parseApiPath(path).collection;
    const existed = this.collections.get(collection)?.has(keyOf(object));
    const stored = this.store(collection, this.stamp({ ...object, metadata: { ...object.metadata } }, true));
    this.notify(collection, existed ? "MODIFIED" : "ADDED", stored);
    return stored;
  }

  /** Removes `object` and sends DELETED to the watchers. */
  remove(path: string, object: FakeObject): void {
    const collection = parseApiPath(path).collection;
    this.collections.get(collection)?.delete(keyOf(object));
    this.notify(collection, "DELETED", {
      ...object,
      metadata: { ...object.metadata, resourceVersion: this.bump() },
    });
  }

  /** The stored object at an object path ("/api/v1/namespaces/ns/pods/a"). */
  get<T extends FakeObject>(path: string): T | undefined {
    const p = parseApiPath(path);
    return this.collections.get(p.collection)?.get(p.key) as T | undefined;
  }

  /**
   * Makes `verb` on `resource` ("pods", "*") answer with `react` first (upstream PrependReactor);
   * returns a function that removes it.
   */
  react(verb: Verb | "*", resource: string, react: Reactor): () => void {
    const entry = { verb, resource, react };
    this.reactors.unshift(entry);
    return () => {
      const index = this.reactors.indexOf(entry);
      if (index >= 0) this.reactors.splice(index, 1);
    };
  }

  /** Recorded writes, optionally of one resource: what a sync did. */
  writes(resource?: string): Action[] {
    return this.actions.filter((a) => WRITES.has(a.verb) && (!resource || a.resource === resource));
  }

  /** Forgets the recorded actions (after the informers synced, before the sync under test). */
  clearActions(): void {
    this.actions.length = 0;
  }

  private async handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (request.method === "GET") {
      const document = discoveryDocument(this.resources, url.pathname);
      if (document !== null) {
        return document === undefined ? statusResponse(StatusError.notFoundPath()) : json(200, document);
      }
    }
    const path = parseApiPath(url.pathname);
    const verb = verbOf(request.method, path, url.searchParams.get("watch") === "true");
    const text = await request.text();
    const action: Action = { ...path, verb, body: text ? JSON.parse(text) : undefined };
    this.actions.push(action);
    try {
      for (const r of this.reactors) {
        if ((r.verb !== "*" && r.verb !== verb) || (r.resource !== "*" && r.resource !== path.resource))
          continue;
        const answer = r.react(action);
        if (answer !== undefined) return json(200, answer);
      }
      if (verb === "watch") return this.watch(path, request.signal);
      return this.serve(action);
    } catch (error) {
      return statusResponse(error);
    }
  }

  private serve(action: Action): Response {
    const items = this.collections.get(action.collection) ?? new Map<string, FakeObject>();
    const existing = items.get(action.key);
    const q = { group: action.group, resource: action.resource };
    switch (action.verb) {
      case "list":
        return json(200, {
          kind: "List",
          apiVersion: "v1",
          metadata: { resourceVersion: String(this.revision) },
          items: [...items.values()].filter(
            (o) => !action.namespace || o.metadata?.namespace === action.namespace,
          ),
        });
      case "get":
        if (!existing) throw StatusError.notFound(q, action.name);
        return json(200, existing);
      case "create": {
        const object = structuredClone(action.body as FakeObject);
        object.metadata = { ...object.metadata, namespace: action.namespace ?? object.metadata?.namespace };
        if (!object.metadata.name && object.metadata.generateName)
          object.metadata.name = `${object.metadata.generateName}${(++this.uids).toString(36).padStart(5, "0")}`;
        if (items.has(keyOf(object))) throw StatusError.alreadyExists(q, object.metadata.name ?? "");
        return json(201, this.store(action.collection, this.stamp(object, true)));
      }
      case "update":
        if (!existing) throw StatusError.notFound(q, action.name);
        return json(
          200,
          this.store(action.collection, this.stamp(structuredClone(action.body as FakeObject), true)),
        );
      case "patch": {
        if (!existing) throw StatusError.notFound(q, action.name);
        const patched = applyPatch(existing, action.body) as FakeObject;
        return json(200, this.store(action.collection, this.stamp(patched, true)));
      }
      case "deletecollection": {
        const deleted = [...items.values()].filter(
          (o) => !action.namespace || o.metadata?.namespace === action.namespace,
        );
        for (const o of deleted) items.delete(keyOf(o));
        return json(200, { kind: "List", apiVersion: "v1", metadata: {}, items: deleted });
      }
      case "delete":
        if (!existing) throw StatusError.notFound(q, action.name);
        items.delete(action.key);
        return json(200, successStatus(200, { name: action.name, kind: action.resource }));
      default:
        throw StatusError.methodNotAllowed();
    }
  }

  private watch(path: ApiPath, signal: AbortSignal): Response {
    const encoder = new TextEncoder();
    let watcher: Watcher | undefined;
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        watcher = {
          collection: path.collection,
          namespace: path.namespace,
          push: (line) => controller.enqueue(encoder.encode(`${line}\n`)),
        };
        this.watchers.add(watcher);
        signal.addEventListener("abort", () => {
          if (watcher) this.watchers.delete(watcher);
          controller.close();
        });
      },
      cancel: () => {
        if (watcher) this.watchers.delete(watcher);
      },
    });
    return new Response(body, { status: 200, headers: { "content-type": "application/json" } });
  }

  private notify(collection: string, type: string, object: FakeObject): void {
    for (const w of this.watchers) {
      if (w.collection !== collection) continue;
      if (w.namespace && w.namespace !== object.metadata?.namespace) continue;
      w.push(JSON.stringify({ type, object }));
    }
  }

  private bump(): string {
    this.revision++;
    return String(this.revision);
  }

  /** Fills uid and creationTimestamp when missing, and a resourceVersion (a new one when `write`). */
  private stamp(object: FakeObject, write = false): FakeObject {
    const metadata = { ...object.metadata };
    metadata.uid ??= `uid-${++this.uids}`;
    metadata.creationTimestamp ??= "2026-01-01T00:00:00Z";
    if (write || !metadata.resourceVersion) metadata.resourceVersion = this.bump();
    return { ...object, metadata };
  }

  private store(collection: string, object: FakeObject): FakeObject {
    let items = this.collections.get(collection);
    if (!items) {
      items = new Map();
      this.collections.set(collection, items);
    }
    items.set(keyOf(object), object);
    return object;
  }
}

function keyOf(object: FakeObject): string {
  const m = object.metadata ?? {};
  return m.namespace ? `${m.namespace}/${m.name}` : (m.name ?? "");
}

function verbOf(method: string, path: ApiPath, watch: boolean): Verb {
  switch (method) {
    case "GET":
      if (watch) return "watch";
      return path.name ? "get" : "list";
    case "POST":
      return "create";
    case "PUT":
      return "update";
    case "PATCH":
      return "patch";
    default:
      return path.name ? "delete" : "deletecollection";
  }
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}
