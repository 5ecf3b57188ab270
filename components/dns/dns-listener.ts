// The DNS server's sockets: UDP and TCP on one address and port (RFC 1035 4.2; TCP messages carry
// a two-byte length prefix and may be pipelined on one connection). Port 0 picks a port free for
// both, retrying when the UDP half of the TCP port the kernel chose is taken.

import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { type AddressInfo, createServer, isIPv6, type Server, type Socket } from "node:net";

export type MessageHandler = (message: Buffer, transport: "udp" | "tcp") => Promise<Buffer | undefined>;

export interface DnsListenerOptions {
  bindAddress: string;
  port: number;
  handler: MessageHandler;
  /** Called with errors that do not stop the server (a failed send, a handler bug). */
  onError: (error: Error) => void;
  /** An idle TCP connection is closed after this long (ms); default 10 s. */
  tcpIdleMs?: number;
}

export interface DnsListener {
  readonly address: string;
  readonly port: number;
  close(): Promise<void>;
}

function listenTcp(server: Server, address: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: address, port, exclusive: true }, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function bindUdp(socket: UdpSocket, address: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once("error", reject);
    socket.bind({ address, port, exclusive: true }, () => {
      socket.off("error", reject);
      resolve();
    });
  });
}

function serveTcpConnection(
  socket: Socket,
  options: DnsListenerOptions,
  handleMessage: (message: Buffer) => Promise<Buffer | undefined>,
): void {
  let buffered: Buffer = Buffer.alloc(0);
  socket.setTimeout(options.tcpIdleMs ?? 10_000, () => socket.destroy());
  socket.on("error", () => socket.destroy());
  socket.on("data", (chunk: Buffer) => {
    buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
    while (buffered.length >= 2) {
      const size = buffered.readUInt16BE(0);
      if (buffered.length < 2 + size) break;
      const message = buffered.subarray(2, 2 + size);
      buffered = buffered.subarray(2 + size);
      void handleMessage(message).then((reply) => {
        if (!reply || socket.destroyed) return;
        const length = Buffer.alloc(2);
        length.writeUInt16BE(reply.length);
        socket.write(Buffer.concat([length, reply]));
      });
    }
  });
}

export async function listenDns(options: DnsListenerOptions): Promise<DnsListener> {
  const { bindAddress, handler, onError } = options;
  const safely = async (message: Buffer, transport: "udp" | "tcp"): Promise<Buffer | undefined> => {
    try {
      return await handler(message, transport);
    } catch (error) {
      onError(error as Error);
      return undefined;
    }
  };
  const connections = new Set<Socket>();
  const attempts = options.port === 0 ? 20 : 1;
  for (let attempt = 1; ; attempt++) {
    const tcp = createServer((socket) => {
      connections.add(socket);
      socket.on("close", () => connections.delete(socket));
      serveTcpConnection(socket, options, (message) => safely(message, "tcp"));
    });
    const port = await listenTcp(tcp, bindAddress, options.port);
    const udp = createSocket({ type: isIPv6(bindAddress) ? "udp6" : "udp4" });
    try {
      await bindUdp(udp, bindAddress, port);
    } catch (error) {
      udp.close();
      await new Promise((resolve) => tcp.close(resolve));
      if ((error as NodeJS.ErrnoException).code === "EADDRINUSE" && attempt < attempts) continue;
      throw error;
    }
    let closed: Promise<void> | undefined;
    udp.on("error", onError);
    udp.on("message", (message, from) => {
      void safely(message, "udp").then((reply) => {
        if (!reply || closed) return;
        try {
          udp.send(reply, from.port, from.address, (error) => error && onError(error));
        } catch (error) {
          onError(error as Error);
        }
      });
    });
    return {
      address: bindAddress,
      port,
      close: () => {
        closed ??= (async () => {
          for (const socket of connections) socket.destroy();
          await Promise.all([
            new Promise<void>((resolve) => tcp.close(() => resolve())),
            new Promise<void>((resolve) => udp.close(() => resolve())),
          ]);
        })();
        return closed;
      },
    };
  }
}
