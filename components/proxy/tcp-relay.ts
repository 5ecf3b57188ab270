// A userspace TCP listener for one service address: each accepted connection is spliced to an
// endpoint the picker chooses (both directions piped, half-closes passed through); no endpoint
// resets the connection.

import { createConnection, createServer, type Server, type Socket } from "node:net";
import type { EndpointPicker } from "./endpoint-picker.ts";

export class TcpRelay {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  private constructor(server: Server) {
    this.server = server;
  }

  static listen(host: string, port: number, picker: EndpointPicker): Promise<TcpRelay> {
    const server = createServer({ allowHalfOpen: true, noDelay: true });
    const relay = new TcpRelay(server);
    server.on("connection", (client) => relay.splice(client, picker));
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen({ host, port }, () => {
        server.off("error", reject);
        server.on("error", () => {});
        resolve(relay);
      });
    });
  }

  private splice(client: Socket, picker: EndpointPicker): void {
    const endpoint = picker.pick(client.remoteAddress ?? "");
    if (!endpoint) {
      client.resetAndDestroy();
      return;
    }
    const upstream = createConnection({
      host: endpoint.ip,
      port: endpoint.port,
      allowHalfOpen: true,
      noDelay: true,
    });
    this.sockets.add(client);
    this.sockets.add(upstream);
    const fail = (): void => {
      client.destroy();
      upstream.destroy();
    };
    const forget = (socket: Socket) => () => this.sockets.delete(socket);
    client.on("error", fail).on("close", forget(client));
    upstream.on("error", fail).on("close", forget(upstream));
    client.pipe(upstream);
    upstream.pipe(client);
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
