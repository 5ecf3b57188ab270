// A TCP server that writes one greeting line to each connection and closes it: what seed 000's
// `ncat -k -c 'echo hello' -l 0.0.0.0 80` does. The `hello` and `hello-world` images run it.

import { createServer, type Server } from "node:net";
import type { Component } from "../../../../lib/component.ts";
import type { ImageContext } from "./embedded-image.ts";
import { listenPort } from "./listen-port.ts";

export interface TcpGreeterOptions {
  /** The image name, used in the start line. */
  name: string;
  /** Written to every connection, newline included. */
  greeting: string;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port, host: "0.0.0.0" }, () => {
      server.off("error", reject);
      const address = server.address();
      resolve(typeof address === "object" && address !== null ? address.port : port);
    });
  });
}

/** Listens on 0.0.0.0:$PORT (default 80) and prints `<name>: listening on 0.0.0.0:<port>`. */
export async function startTcpGreeter(options: TcpGreeterOptions, context: ImageContext): Promise<Component> {
  const server = createServer((socket) => {
    socket.on("error", () => socket.destroy());
    socket.end(options.greeting);
  });
  const port = await listen(server, listenPort(context.env, 80));
  context.log(`${options.name}: listening on 0.0.0.0:${port}`);
  const done = Promise.withResolvers<void>();
  let stopping: Promise<void> | undefined;
  return {
    name: options.name,
    ready: Promise.resolve(),
    done: done.promise,
    stop: () => {
      stopping ??= new Promise<void>((resolve) => server.close(() => resolve())).then(() => done.resolve());
      return stopping;
    },
  };
}
