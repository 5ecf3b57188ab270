// `kube image <name>` (internal): runs one of kube's embedded images, which is how a container
// of image hello, hello-world or nginx runs (the kubelet's entrypoint for it). Stops
// gracefully on SIGTERM, SIGINT or SIGQUIT (nginx's graceful quit) and then exits 0.

import { embeddedImages } from "../components/kubelet/images/embedded/embedded-images.ts";
import { defineKubeCommand } from "./kube-command.ts";
import { UsageError } from "./usage-error.ts";

const stopSignals: NodeJS.Signals[] = ["SIGTERM", "SIGINT", "SIGQUIT"];

export const imageCommand = defineKubeCommand({
  name: "image",
  description:
    "Runs an embedded image for the kubelet (kube image hello|hello-world|nginx); kube image list|import <archive> [--root-dir] [--ref]",
  args: {
    name: { type: "positional", required: false, description: "The embedded image to run, or list / import" },
    "root-dir": {
      type: "string",
      description: "list, import: the kubelet's --root-dir (default /var/lib/kubelet)",
    },
    ref: {
      type: "string",
      description: "import: the reference to record the image under (e.g. registry.local/app:1)",
    },
  },
  // A pod's `args` for an embedded image (nginx -g 'daemon off;') reach it and are ignored.
  passThroughArgs: true,
  run: async (args): Promise<number> => {
    if (args.name === "list" || args.name === "import") {
      const { runImageStore } = await import("./image-store.ts");
      return runImageStore(args.name, args as Record<string, unknown>, (args._ ?? []).slice(1).map(String));
    }
    const programs = embeddedImages.flatMap((image) => (image.kind === "program" ? [image] : []));
    const known = programs.map((image) => image.name).join(", ");
    const name = typeof args.name === "string" ? args.name : "";
    const image = programs.find((candidate) => candidate.name === name);
    if (image === undefined) {
      throw new UsageError(
        name === ""
          ? `missing image name: want one of ${known}`
          : `unknown image "${name}": want one of ${known}`,
      );
    }
    // Handlers go in before the program starts, so a SIGTERM right after the start line stops it.
    const stop = Promise.withResolvers<void>();
    const onSignal = (): void => stop.resolve();
    for (const signal of stopSignals) process.on(signal, onSignal);
    try {
      const running = await image.start({ env: process.env, log: (line) => console.log(line) });
      await Promise.race([stop.promise, running.done]);
      await running.stop();
      return 0;
    } finally {
      for (const signal of stopSignals) process.off(signal, onSignal);
    }
  },
});
