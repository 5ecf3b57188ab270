// The images built into kube, in the order error messages list them. An image name that no
// file in --image-dir matches resolves to one of these (see image-resolver.ts).

import type { EmbeddedImage } from "./embedded-image.ts";
import { helloImage } from "./hello.ts";
import { helloWorldImage } from "./hello-world.ts";
import { nginxImage } from "./nginx.ts";
import { pauseImage } from "./pause.ts";

export const embeddedImages: readonly EmbeddedImage[] = [
  helloImage,
  helloWorldImage,
  // Runs the pod's command (seed 003: `/bin/sh -c ...`) with the host's shell tools.
  { name: "busybox", kind: "host-tools", defaultArgs: ["sh"] },
  nginxImage,
  pauseImage,
  { name: "kube", kind: "kube" },
];
