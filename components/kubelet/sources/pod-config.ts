// The pods every source wants, merged (upstream pkg/kubelet/config/config.go PodConfig): each
// source (manifest dir, manifest URL, the API server) holds its own set by UID; a change to a
// UID in any source is handed to the kubelet, which brings that pod's worker in line.

import type { Pod } from "kubernetes-types/core/v1";

export type SourceName = "file" | "http" | "api";

export class PodConfig {
  private readonly sources = new Map<SourceName, Map<string, Pod>>();

  /** `changed(uid)` runs for every UID whose wanted pod changed (appeared, updated or went). */
  constructor(private readonly changed: (uid: string) => void) {}

  /** Replaces everything `source` wants (the file and URL sources report their whole set). */
  set(source: SourceName, pods: Pod[]): void {
    const old = this.sources.get(source) ?? new Map<string, Pod>();
    const next = new Map(pods.map((p) => [p.metadata?.uid ?? "", p]));
    this.sources.set(source, next);
    for (const uid of new Set([...old.keys(), ...next.keys()]))
      if (old.get(uid) !== next.get(uid)) this.changed(uid);
  }

  /** Adds or replaces one pod of `source` (the API watch reports pods one at a time). */
  upsert(source: SourceName, pod: Pod): void {
    const uid = pod.metadata?.uid ?? "";
    this.source(source).set(uid, pod);
    this.changed(uid);
  }

  /** `source` no longer wants the pod with `uid`. */
  remove(source: SourceName, uid: string): void {
    this.source(source).delete(uid);
    this.changed(uid);
  }

  /** Starts a source with nothing wanted yet, fixing its place in the merge order. */
  declare(source: SourceName): void {
    this.source(source);
  }

  /** The pod with `uid` as the first source that wants it has it. */
  get(uid: string): Pod | undefined {
    for (const pods of this.sources.values()) {
      const pod = pods.get(uid);
      if (pod) return pod;
    }
    return undefined;
  }

  /** Every wanted pod by UID. */
  all(): Map<string, Pod> {
    const all = new Map<string, Pod>();
    for (const pods of this.sources.values()) for (const [uid, pod] of pods) all.set(uid, pod);
    return all;
  }

  /** The pods one source wants. */
  pods(source: SourceName): Pod[] {
    return [...(this.sources.get(source)?.values() ?? [])];
  }

  private source(name: SourceName): Map<string, Pod> {
    let pods = this.sources.get(name);
    if (!pods) {
      pods = new Map();
      this.sources.set(name, pods);
    }
    return pods;
  }
}
