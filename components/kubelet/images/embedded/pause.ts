// The `pause` image (upstream's registry.k8s.io/pause): does nothing until stopped. `kube image
// pause` turns SIGTERM/SIGINT into stop(), then exits 0. Silent, as upstream's pause is.

import type { EmbeddedImage } from "./embedded-image.ts";

export const pauseImage: EmbeddedImage = {
  name: "pause",
  kind: "program",
  start: async () => {
    const done = Promise.withResolvers<void>();
    // Signal handlers alone do not keep the event loop alive; this timer does, until stop().
    const keepAlive = setInterval(() => {}, 2 ** 30);
    return {
      name: "pause",
      ready: Promise.resolve(),
      done: done.promise,
      stop: async () => {
        clearInterval(keepAlive);
        done.resolve();
      },
    };
  },
};
