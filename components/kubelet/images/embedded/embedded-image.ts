// An image built into kube: what a container of that image runs (its own small program run as
// `kube image <name>`, the kube executable itself, or the pod's command on the host's tools).

import type { Component } from "../../../../lib/component.ts";

/** What a running embedded program gets from `kube image <name>`. */
export interface ImageContext {
  /** The container's environment (PORT, LOG_DIR, ...). */
  env: Record<string, string | undefined>;
  /** Writes one line to the container's stdout (its log). */
  log(line: string): void;
}

export type EmbeddedImage =
  | {
      name: string;
      /** A program of its own: the container runs `kube image <name>`. */
      kind: "program";
      /** Starts the program; it runs until the returned component is stopped. */
      start(context: ImageContext): Promise<Component>;
    }
  | {
      name: string;
      /** The kube executable itself (static pods run `kube apiserver ...`). */
      kind: "kube";
    }
  | {
      name: string;
      /** No program: entrypoint [] and these default args, run with the host's tools. */
      kind: "host-tools";
      defaultArgs: string[];
    };
