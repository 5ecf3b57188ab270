// The manifests directory of `kube server` (k3s's deploy controller for server/manifests): every
// YAML or JSON file in it is applied at start and again whenever it changes, with server-side
// apply (field manager "kube-server", forced), so editing a file is how the cluster's add-ons
// change. Removing a file leaves its objects in place, as k3s does without its Addon objects.

import { type FSWatcher, watch as watchDir } from "node:fs";
import { mkdir, readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import type { ApiClient } from "../../lib/client/api-client.ts";
import type { Component } from "../../lib/component.ts";
import { ResourcePaths } from "./resource-paths.ts";

export interface ManifestApplierOptions {
  client: ApiClient;
  dir: string;
  log: (line: string) => void;
  /** How often the directory is read again, also retrying files that failed (default 15 s). */
  rescanMs?: number;
}

export interface ManifestApplier extends Component {
  /** Applies every changed or failed file now; resolves when done (tests, the first pass). */
  sync(): Promise<void>;
}

const MANIFEST = /\.(ya?ml|json)$/;
const FIELD_MANAGER = "kube-server";

interface ObjectManifest {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: { name?: unknown; namespace?: unknown };
}

/** The documents of one file, each a plain object; throws naming the first bad document. */
export function manifestDocuments(text: string): ObjectManifest[] {
  const objects: ObjectManifest[] = [];
  parseAllDocuments(text).forEach((doc, index) => {
    if (doc.errors.length) throw new Error(`document ${index + 1}: ${doc.errors[0]?.message.split("\n")[0]}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return;
    if (typeof value !== "object" || Array.isArray(value))
      throw new Error(`document ${index + 1} is not an object`);
    const object = value as ObjectManifest & { items?: unknown };
    if (object.kind === "List" && Array.isArray(object.items))
      objects.push(...(object.items as ObjectManifest[]));
    else objects.push(object);
  });
  return objects;
}

export async function startManifestApplier(options: ManifestApplierOptions): Promise<ManifestApplier> {
  const { client, dir, log } = options;
  await mkdir(dir, { recursive: true });
  const paths = new ResourcePaths(client);
  /** file name -> mtime+size of the version last applied without error. */
  const applied = new Map<string, string>();
  const done = Promise.withResolvers<void>();
  let stopped = false;
  let running: Promise<void> | undefined;
  let again = false;

  const applyFile = async (file: string, version: string): Promise<void> => {
    let objects: ObjectManifest[];
    try {
      objects = manifestDocuments(await readFile(join(dir, file), "utf8"));
    } catch (error) {
      log(`${file}: not applied: ${firstLine(error)}; fix the file and it is read again`);
      applied.set(file, version); // a parse error is retried when the file changes, not before
      return;
    }
    let failed = 0;
    for (const object of objects) {
      const name = typeof object.metadata?.name === "string" ? object.metadata.name : undefined;
      const what = `${String(object.kind)} ${name ?? "(no name)"}`;
      try {
        if (typeof object.apiVersion !== "string" || typeof object.kind !== "string" || !name)
          throw new Error("apiVersion, kind and metadata.name are required");
        const path = await paths.objectPath(object.apiVersion, object.kind, name, object.metadata?.namespace);
        await client.patch(
          `${path}?fieldManager=${FIELD_MANAGER}&force=true`,
          JSON.stringify(object),
          "apply",
        );
      } catch (error) {
        failed++;
        log(`${file}: ${what}: ${firstLine(error)}`);
      }
    }
    if (failed === 0) {
      applied.set(file, version);
      log(`${file}: applied ${objects.length} object${objects.length === 1 ? "" : "s"}`);
    }
  };

  const scan = async (): Promise<void> => {
    let files: string[];
    try {
      files = (await readdir(dir)).filter((f) => MANIFEST.test(f) && !f.startsWith(".")).sort();
    } catch (error) {
      log(`cannot read ${dir}: ${firstLine(error)}`);
      return;
    }
    for (const file of files) {
      if (stopped) return;
      let version: string;
      try {
        const info = await stat(join(dir, file));
        if (!info.isFile()) continue;
        version = `${info.mtimeMs}/${info.size}`;
      } catch {
        continue; // removed meanwhile
      }
      if (applied.get(file) !== version) await applyFile(file, version);
    }
    for (const file of applied.keys()) if (!files.includes(file)) applied.delete(file);
  };

  const sync = async (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await scan();
      } while (again && !stopped);
    })().finally(() => {
      running = undefined;
    });
    return running;
  };

  let watcher: FSWatcher | undefined;
  try {
    watcher = watchDir(dir, () => void sync());
  } catch (error) {
    log(
      `cannot watch ${dir} (${firstLine(error)}): rereading it every ${(options.rescanMs ?? 15_000) / 1000} s`,
    );
  }
  const timer = setInterval(() => void sync(), options.rescanMs ?? 15_000);
  const ready = sync();
  return {
    name: "manifests",
    ready,
    done: done.promise,
    sync,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      watcher?.close();
      await running;
      done.resolve();
    },
  };
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0] ?? message;
}
