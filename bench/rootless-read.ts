// For bench/rootless.ts: run inside a cluster's network namespace, reads `bytes` from ip:port
// (a pod sending zeros) and prints the rate in MB/s; exits 1 when the connection fails or ends early.

export {};

const [ip = "", port = "0", bytes = "0"] = process.argv.slice(2);
const want = Number(bytes);
let got = 0;
let first = 0;
const rate = await new Promise<number>((resolve) => {
  Bun.connect({
    hostname: ip,
    port: Number(port),
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
