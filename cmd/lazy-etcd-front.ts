// kube server's etcd v3 front, loaded on first use: plain sockets hold the client URLs, and the
// gRPC stack (grpc-js + protobufjs, ~13 MiB of an idle server's RSS) starts at the first client
// connection, on loopback port 0 of the same scheme; each client connection is spliced to it.
import { connect, createServer, type Server, type Socket } from "node:net";
import type { Component } from "../lib/component.ts";

/** The real front, started with loopback URLs while the listeners advertise `advertise`. */
export type StartInnerFront = (
  listenClientUrls: string[],
  advertiseClientUrls: string[],
) => Promise<Component & { readonly urls: string[] }>;

interface Listener {
  server: Server;
  /** Scheme of the inner front this listener splices to (unix sockets speak plain gRPC). */
  scheme: "http" | "https";
  url: string;
}

function listen(url: string): Promise<Listener> {
  const unix = url.startsWith("unix:");
  const parsed = unix ? undefined : new URL(url);
  if (parsed && parsed.protocol !== "http:" && parsed.protocol !== "https:")
    throw new Error(
      `etcd: cannot listen on ${url}: only http://, https:// and unix:// client URLs are supported`,
    );
  const scheme = parsed?.protocol === "https:" ? "https" : "http";
  const server = createServer({ pauseOnConnect: true });
  return new Promise((resolve, reject) => {
    server.once("error", (error) => reject(new Error(`etcd: cannot listen on ${url}: ${error.message}`)));
    const ready = (): void => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      resolve({ server, scheme, url: parsed ? `${scheme}://${parsed.hostname}:${port}` : url });
    };
    if (parsed) {
      const port = parsed.port === "" ? (scheme === "https" ? 443 : 80) : Number(parsed.port);
      server.listen({ host: parsed.hostname.replace(/^\[|\]$/g, ""), port }, ready);
    } else server.listen(url.replace(/^unix:(\/\/)?/, ""), ready);
  });
}

/** Binds `listenClientUrls` now; `start` runs once, when the first client connects. */
export async function startLazyEtcdFront(
  listenClientUrls: string[],
  start: StartInnerFront,
  log: (line: string) => void = () => {},
): Promise<Component & { readonly urls: string[] }> {
  const listeners: Listener[] = [];
  try {
    for (const url of listenClientUrls) listeners.push(await listen(url));
  } catch (error) {
    for (const l of listeners) l.server.close();
    throw error;
  }
  const urls = listeners.map((l) => l.url);
  const schemes = [...new Set(listeners.map((l) => l.scheme))];
  let inner: Promise<{ front: Component; ports: Map<string, number> }> | undefined;
  const sockets = new Set<Socket>();
  const done = Promise.withResolvers<void>();
  let stopping: Promise<void> | undefined;

  const innerFront = (): Promise<{ front: Component; ports: Map<string, number> }> => {
    inner ??= start(
      schemes.map((s) => `${s}://127.0.0.1:0`),
      urls,
    ).then((front) => {
      log("etcd: first client: the gRPC server started");
      const ports = new Map(schemes.map((s, i) => [s, Number(new URL(front.urls[i] ?? "").port)]));
      return { front, ports };
    });
    // A start that failed is tried again by the next client.
    inner.catch(() => {
      inner = undefined;
    });
    return inner;
  };

  const splice = async (client: Socket, scheme: string): Promise<void> => {
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.on("error", () => client.destroy());
    try {
      const { ports } = await innerFront();
      if (stopping || client.destroyed) return void client.destroy();
      const upstream = connect({ host: "127.0.0.1", port: ports.get(scheme) ?? 0 });
      sockets.add(upstream);
      upstream.on("close", () => {
        sockets.delete(upstream);
        client.destroy();
      });
      upstream.on("error", () => upstream.destroy());
      client.on("close", () => upstream.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    } catch (error) {
      log(`etcd: the gRPC server did not start: ${error instanceof Error ? error.message : String(error)}`);
      client.destroy();
    }
  };
  for (const l of listeners) l.server.on("connection", (socket: Socket) => void splice(socket, l.scheme));

  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      const closed = listeners.map((l) => new Promise<void>((r) => l.server.close(() => r())));
      for (const socket of sockets) socket.destroy();
      await Promise.all(closed);
      const started = await inner?.catch(() => undefined);
      await started?.front.stop();
      done.resolve();
    })();
    return stopping;
  };
  return { name: "etcd", urls, ready: Promise.resolve(), done: done.promise, stop };
}
