// The `hello-world` image: answers "hello world" on TCP port 80.

import type { EmbeddedImage } from "./embedded-image.ts";
import { startTcpGreeter } from "./tcp-greeter.ts";

export const helloWorldImage: EmbeddedImage = {
  name: "hello-world",
  kind: "program",
  start: (context) => startTcpGreeter({ name: "hello-world", greeting: "hello world\n" }, context),
};
