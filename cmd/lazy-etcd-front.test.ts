// The lazy etcd front: nothing starts until a client connects, bytes are spliced both ways to
// the inner front's port of the same scheme, and stop() ends connections and the inner front.
import { describe, expect, test } from "bun:test";
import { connect, createServer, type Server, type Socket } from "node:net";
import { startLazyEtcdFront } from "./lazy-etcd-front.ts";

/** An inner "front": a TCP server that answers each line with `<scheme>:<line>`. */
async function echoFront(urls: string[]): Promise<{ urls: string[]; servers: Server[] }> {
  const servers: Server[] = [];
  const bound: string[] = [];
  for (const url of urls) {
    const scheme = url.split(":")[0];
    const server = createServer((socket) => socket.on("data", (d) => socket.write(`${scheme}:${d}`)));
    await new Promise<void>((r) => server.listen({ host: "127.0.0.1", port: 0 }, r));
    const address = server.address();
    bound.push(`${scheme}://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`);
    servers.push(server);
  }
  return { urls: bound, servers };
}

function roundTrip(url: string, text: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ host: hostname, port: Number(port) }, () => socket.write(text));
    socket.once("data", (d) => {
      resolve(String(d));
      socket.destroy();
    });
    socket.once("error", reject);
  });
}

describe("startLazyEtcdFront", () => {
  test("starts the inner front at the first connection only, once, and splices per scheme", async () => {
    const calls: { listen: string[]; advertise: string[] }[] = [];
    let inner: Awaited<ReturnType<typeof echoFront>> | undefined;
    const front = await startLazyEtcdFront(
      ["http://127.0.0.1:0", "https://127.0.0.1:0"],
      async (listen, advertise) => {
        calls.push({ listen, advertise });
        inner = await echoFront(listen);
        const servers = inner.servers;
        return {
          name: "etcd",
          urls: inner.urls,
          ready: Promise.resolve(),
          done: Promise.resolve(),
          stop: async () => {
            for (const s of servers) s.close();
          },
        };
      },
    );
    try {
      expect(front.urls).toHaveLength(2);
      expect(front.urls[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(front.urls[1]).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(calls).toHaveLength(0);
      const [a, b] = await Promise.all([
        roundTrip(front.urls[0] ?? "", "one"),
        roundTrip(front.urls[1] ?? "", "two"),
      ]);
      expect(a).toBe("http:one");
      expect(b).toBe("https:two");
      expect(await roundTrip(front.urls[0] ?? "", "three")).toBe("http:three");
      expect(calls).toEqual([
        { listen: ["http://127.0.0.1:0", "https://127.0.0.1:0"], advertise: front.urls },
      ]);
    } finally {
      await front.stop();
    }
    await front.done;
    // The listeners are gone.
    await expect(roundTrip(front.urls[0] ?? "", "late")).rejects.toThrow();
  });

  test("a URL of another scheme or a port in use is refused at start", async () => {
    const start = async (): Promise<never> => {
      throw new Error("must not start");
    };
    await expect(startLazyEtcdFront(["ftp://127.0.0.1:0"], start)).rejects.toThrow(
      "etcd: cannot listen on ftp://127.0.0.1:0: only http://, https:// and unix:// client URLs are supported",
    );
    const taken = createServer();
    await new Promise<void>((r) => taken.listen({ host: "127.0.0.1", port: 0 }, r));
    const address = taken.address();
    const port = typeof address === "object" && address ? address.port : 0;
    try {
      await expect(startLazyEtcdFront([`http://127.0.0.1:${port}`], start)).rejects.toThrow(
        `etcd: cannot listen on http://127.0.0.1:${port}:`,
      );
    } finally {
      taken.close();
    }
  });

  test("a failing inner front closes the client's connection and says why", async () => {
    const lines: string[] = [];
    const front = await startLazyEtcdFront(
      ["http://127.0.0.1:0"],
      async () => {
        throw new Error("no grpc today");
      },
      (line) => lines.push(line),
    );
    try {
      const { port } = new URL(front.urls[0] ?? "");
      const closed = await new Promise<boolean>((resolve) => {
        const socket = connect({ host: "127.0.0.1", port: Number(port) }, () => socket.write("x"));
        socket.on("close", () => resolve(true));
        socket.on("error", () => undefined);
      });
      expect(closed).toBe(true);
      expect(lines).toEqual(["etcd: the gRPC server did not start: no grpc today"]);
    } finally {
      await front.stop();
    }
  });
});
