// A userspace UDP listener for one service address: each client address gets its own socket to
// an endpoint the picker chooses (a flow), replies go back from the service address, and flows
// idle for 30 s are closed (upstream userspace proxier's UDP idle timeout).

import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import type { EndpointPicker } from "./endpoint-picker.ts";
import type { ProxyEndpoint } from "./service-ports.ts";

const IDLE_MS = 30_000;

interface Flow {
  socket: Socket;
  endpoint: ProxyEndpoint;
  lastUsed: number;
}

export class UdpRelay {
  private readonly server: Socket;
  private readonly flows = new Map<string, Flow>();
  private readonly sweeper: ReturnType<typeof setInterval>;

  private constructor(
    server: Socket,
    private readonly picker: EndpointPicker,
  ) {
    this.server = server;
    this.sweeper = setInterval(() => this.sweep(), IDLE_MS / 2);
    this.sweeper.unref?.();
    server.on("message", (message, from) => this.forward(message, from));
  }

  static listen(host: string, port: number, picker: EndpointPicker): Promise<UdpRelay> {
    const server = createSocket({ type: "udp4" });
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.bind({ address: host, port }, () => {
        server.off("error", reject);
        server.on("error", () => {});
        resolve(new UdpRelay(server, picker));
      });
    });
  }

  private forward(message: Buffer, from: RemoteInfo): void {
    const key = `${from.address}:${from.port}`;
    let flow = this.flows.get(key);
    if (!flow) {
      const endpoint = this.picker.pick(from.address);
      if (!endpoint) return;
      const socket = createSocket({ type: "udp4" });
      socket.on("error", () => this.closeFlow(key));
      socket.on("message", (reply, replyFrom) => {
        if (replyFrom.address !== endpoint.ip || replyFrom.port !== endpoint.port) return;
        const current = this.flows.get(key);
        if (current) current.lastUsed = Date.now();
        this.server.send(reply, from.port, from.address);
      });
      flow = { socket, endpoint, lastUsed: Date.now() };
      this.flows.set(key, flow);
    }
    flow.lastUsed = Date.now();
    flow.socket.send(message, flow.endpoint.port, flow.endpoint.ip);
  }

  private closeFlow(key: string): void {
    const flow = this.flows.get(key);
    if (!flow) return;
    this.flows.delete(key);
    try {
      flow.socket.close();
    } catch {
      // already closed
    }
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, flow] of this.flows) if (now - flow.lastUsed > IDLE_MS) this.closeFlow(key);
  }

  close(): Promise<void> {
    clearInterval(this.sweeper);
    for (const key of [...this.flows.keys()]) this.closeFlow(key);
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
