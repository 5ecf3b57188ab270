// The `hello` image: answers "hello" on TCP port 80, as seed 000's images/hello (ncat) does.

import type { EmbeddedImage } from "./embedded-image.ts";
import { startTcpGreeter } from "./tcp-greeter.ts";

export const helloImage: EmbeddedImage = {
  name: "hello",
  kind: "program",
  start: (context) => startTcpGreeter({ name: "hello", greeting: "hello\n" }, context),
};
