// For bench/rootless.ts, one throughput role per run (pods of the process runtime run it too):
// `serve PORT` sends zeros to every client; `read IP PORT BYTES` reads BYTES and prints MB/s
// (exit 1 when the connection fails or ends early); `send IP PORT BYTES` writes BYTES and ends.

export {};

const [role = "", a = "", b = "", c = "0"] = process.argv.slice(2);
const chunk = new Uint8Array(1 << 20);

/** Writes `total` bytes (Infinity: until the peer goes), chunk by chunk as the socket drains. */
function pump(
  socket: { write(data: Uint8Array): number; end(): void },
  state: { sent: number; total: number },
): void {
  while (state.sent < state.total) {
    const n = socket.write(chunk);
    state.sent += n;
    if (n < chunk.length) return;
  }
  socket.end();
}

if (role === "serve") {
  Bun.listen<{ sent: number; total: number }>({
    hostname: "0.0.0.0",
    port: Number(a),
    socket: {
      open(socket) {
        socket.data = { sent: 0, total: Number.POSITIVE_INFINITY };
        pump(socket, socket.data);
      },
      drain: (socket) => pump(socket, socket.data),
      data() {},
    },
  });
} else if (role === "send") {
  const state = { sent: 0, total: Number(c) };
  await Bun.connect({
    hostname: a,
    port: Number(b),
    socket: { open: (s) => pump(s, state), drain: (s) => pump(s, state), data() {} },
  });
} else if (role === "read") {
  const want = Number(c);
  let got = 0;
  let first = 0;
  const rate = await new Promise<number>((resolve) => {
    Bun.connect({
      hostname: a,
      port: Number(b),
      socket: {
        data(socket, data) {
          if (!first) first = performance.now();
          got += data.length;
          if (got >= want) {
            resolve(want / 1048576 / ((performance.now() - first) / 1000));
            socket.end();
          }
        },
        close: () => resolve(0),
        error: () => resolve(0),
        connectError: () => resolve(0),
      },
    }).catch(() => resolve(0));
  });
  console.log(rate.toFixed(1));
  process.exit(rate > 0 ? 0 : 1);
} else {
  console.error("usage: rootless-net.ts serve PORT | read IP PORT BYTES | send IP PORT BYTES");
  process.exit(2);
}
