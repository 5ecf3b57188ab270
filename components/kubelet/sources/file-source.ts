// Static pods from a directory (`--pod-manifest-path`, upstream pkg/kubelet/config/file.go):
// every non-hidden file is read as YAML or JSON; changes are seen through file events plus a
// periodic rescan (20 s by default, `--file-check-frequency`). A bad file is logged with its
// name and reason and skipped; the others keep running.

import { type FSWatcher, readdirSync, readFileSync, statSync, watch } from "node:fs";
import { join } from "node:path";
import type { Pod } from "kubernetes-types/core/v1";
import { parseManifest, toStaticPod } from "./static-pod.ts";

export interface PodSource {
  /** Resolves after the first full read (the kubelet cleans up orphans only after every source did). */
  readonly synced: Promise<void>;
  stop(): void;
}

export function watchManifestDir(options: {
  dir: string;
  nodeName: string;
  intervalMs: number;
  onPods(pods: Pod[]): void;
  log(line: string): void;
}): PodSource {
  const { dir, nodeName, log } = options;
  const errors = new Map<string, string>();
  let watcher: FSWatcher | undefined;
  let debounce: ReturnType<typeof setTimeout> | undefined;
  let missingLogged = false;

  const scan = (): void => {
    let names: string[];
    try {
      names = readdirSync(dir)
        .filter((n) => !n.startsWith("."))
        .sort();
      missingLogged = false;
    } catch (error) {
      if (!missingLogged)
        log(
          `manifest dir ${dir}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "does not exist (yet); watching for it" : (error as Error).message}`,
        );
      missingLogged = true;
      options.onPods([]);
      return;
    }
    const pods: Pod[] = [];
    const seen = new Set<string>();
    for (const name of names) {
      const path = join(dir, name);
      seen.add(path);
      try {
        if (!statSync(path).isFile()) continue;
        for (const pod of parseManifest(readFileSync(path, "utf8"), path))
          pods.push(toStaticPod(pod, "file", path, nodeName));
        if (errors.has(path)) log(`manifest ${path}: fixed, its pods run again`);
        errors.delete(path);
      } catch (error) {
        const message = (error as Error).message;
        if (errors.get(path) !== message)
          log(
            `manifest ${path} skipped: ${message.startsWith(path) ? message.slice(path.length + 2) : message}`,
          );
        errors.set(path, message);
      }
    }
    for (const path of errors.keys()) if (!seen.has(path)) errors.delete(path);
    options.onPods(pods);
  };

  const startWatch = (): void => {
    if (watcher) return;
    try {
      watcher = watch(dir, () => {
        if (debounce) clearTimeout(debounce);
        debounce = setTimeout(scan, 50);
      });
      watcher.on("error", () => {
        watcher?.close();
        watcher = undefined;
      });
    } catch {
      watcher = undefined; // the directory does not exist yet: the periodic rescan retries
    }
  };

  scan();
  startWatch();
  const interval = setInterval(() => {
    startWatch();
    scan();
  }, options.intervalMs);
  return {
    synced: Promise.resolve(),
    stop() {
      clearInterval(interval);
      if (debounce) clearTimeout(debounce);
      watcher?.close();
    },
  };
}
