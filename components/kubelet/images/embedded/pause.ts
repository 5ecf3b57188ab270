// The `pause` image (upstream's registry.k8s.io/pause): does nothing until stopped, then exits 0.
// A few lines of the host's sh instead of a kube process: a pause container costs ~1 MB, not the
// ~30 MB of a Bun runtime, and starts in a millisecond (pods of pause are the scale-test staple).

import type { EmbeddedImage } from "./embedded-image.ts";

/**
 * The script: wait forever in the background `sleep`; SIGTERM/SIGINT end it (and the sleep) with 0.
 * The trap kills the sleep with SIGKILL: a SIGTERM that lands while the forked child is still the
 * shell (between fork and exec) runs the inherited trap handler and is lost, and the sleep would
 * outlive the pause holding its stdout open (a test reading that pipe waited forever).
 */
export const PAUSE_SCRIPT =
  "trap 'kill -9 $! 2>/dev/null; exit 0' TERM INT; while :; do sleep 2147483647 & wait $!; done";

export const pauseImage: EmbeddedImage = {
  name: "pause",
  kind: "host-tools",
  defaultArgs: ["/bin/sh", "-c", PAUSE_SCRIPT],
};
