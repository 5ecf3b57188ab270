// Static pods from a URL (`--manifest-url`, upstream pkg/kubelet/config/http.go), polled at the
// file-check frequency; a fetch or parse failure is logged and keeps the last good pods.

import type { Pod } from "kubernetes-types/core/v1";
import type { PodSource } from "./file-source.ts";
import { parseManifest, toStaticPod } from "./static-pod.ts";

export function pollManifestUrl(options: {
  url: string;
  nodeName: string;
  intervalMs: number;
  onPods(pods: Pod[]): void;
  log(line: string): void;
}): PodSource {
  let lastError = "";
  let lastText: string | undefined;
  let markSynced!: () => void;
  const synced = new Promise<void>((resolve) => {
    markSynced = resolve;
  });
  const poll = async (): Promise<void> => {
    try {
      const response = await fetch(options.url, { signal: AbortSignal.timeout(10_000) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const text = await response.text();
      if (text !== lastText) {
        const pods = parseManifest(text, options.url).map((p) =>
          toStaticPod(p, "http", options.url, options.nodeName),
        );
        lastText = text;
        options.onPods(pods);
      }
      lastError = "";
    } catch (error) {
      const message = (error as Error).message;
      if (message !== lastError)
        options.log(`manifest url ${options.url}: ${message}; keeping the last pods read`);
      lastError = message;
    }
    markSynced();
  };
  void poll();
  const interval = setInterval(() => void poll(), options.intervalMs);
  return { synced, stop: () => clearInterval(interval) };
}
