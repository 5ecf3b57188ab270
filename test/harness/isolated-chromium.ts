// Headless chromium in a network namespace of its own (loopback only), reaching one host port
// through a forwarder: chromium aborts connections with ERR_NETWORK_CHANGED whenever the host's
// interfaces change, and kubelets (ours or other tests') add and remove veths all the time.
// In the namespace, 127.0.0.1:<port> is forwarded over a unix socket to the host's 127.0.0.1:<port>.
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Socket } from "bun";
import puppeteer, { type Browser } from "puppeteer-core";

export const CHROMIUM = "/usr/bin/chromium";

interface Pipe {
  peer?: Socket<Pipe>;
  pending: Uint8Array[];
}

/** Copies bytes between two sockets (buffering what a full peer did not take). */
function relay(from: Socket<Pipe>, data: Uint8Array): void {
  const peer = from.data.peer;
  if (!peer) {
    from.data.pending.push(new Uint8Array(data));
    return;
  }
  const n = peer.write(data);
  if (n < data.length) peer.data.pending.push(data.slice(n));
}

function drain(s: Socket<Pipe>): void {
  const queue = s.data.pending.splice(0);
  for (let i = 0; i < queue.length; i++) {
    const chunk = queue[i] as Uint8Array;
    const n = s.write(chunk);
    if (n < chunk.length) {
      s.data.pending.unshift(chunk.slice(n), ...queue.slice(i + 1));
      return;
    }
  }
}

const FORWARDER = `
const [port, sock, ready] = process.argv.slice(2);
// A test stopping its server must not end the forwarder: later connections would be refused.
process.on("uncaughtException", (e) => console.error("forwarder:", e && e.message));
process.on("unhandledRejection", (e) => console.error("forwarder:", e && e.message));
const relay = (from, data) => { const p = from.data.peer; if (!p) { from.data.pending.push(new Uint8Array(data)); return; } const n = p.write(data); if (n < data.length) p.data.pending.push(data.slice(n)); };
const drain = (s) => { const q = s.data.pending.splice(0); for (let i = 0; i < q.length; i++) { const n = s.write(q[i]); if (n < q[i].length) { s.data.pending.unshift(q[i].slice(n), ...q.slice(i + 1)); return; } } };
Bun.listen({ hostname: "127.0.0.1", port: Number(port), socket: {
  async open(client) { client.data = { pending: [] };
    const up = await Bun.connect({ unix: sock, socket: { open(u) { u.data = { pending: [], peer: client }; }, data: relay, drain, close() { client.end(); }, error() { client.end(); } } }).catch(() => undefined);
    if (!up) { client.end(); return; }
    client.data.peer = up; for (const c of client.data.pending.splice(0)) up.write(c); },
  data: relay, drain, close(client) { client.data.peer?.end(); }, error(client) { client.data.peer?.end(); } } });
await Bun.write(ready, "ok");
setInterval(() => { if (process.ppid === 1) process.exit(0); }, 500);
`;

export interface IsolatedChromium {
  browser: Browser;
  close(): Promise<void>;
}

/** Launches chromium isolated, with 127.0.0.1:`port` reaching the host's 127.0.0.1:`port`. */
export async function launchIsolatedChromium(port: number): Promise<IsolatedChromium> {
  const dir = mkdtempSync(join(tmpdir(), "kt-chromium-"));
  const sock = join(dir, "fwd.sock");
  const host = Bun.listen<Pipe>({
    unix: sock,
    socket: {
      async open(client) {
        client.data = { pending: [] };
        // The server may be down (a test stopping it): the browser sees the connection close.
        const up = await Bun.connect<Pipe>({
          hostname: "127.0.0.1",
          port,
          socket: {
            open(u) {
              u.data = { pending: [], peer: client };
            },
            data: relay,
            drain,
            close: () => {
              client.end();
            },
          },
        }).catch(() => undefined);
        if (!up) {
          client.end();
          return;
        }
        client.data.peer = up;
        for (const c of client.data.pending.splice(0)) up.write(c);
      },
      data: relay,
      drain,
      close: (client) => {
        client.data.peer?.end();
      },
    },
  });
  writeFileSync(join(dir, "forwarder.js"), FORWARDER);
  const wrapper = join(dir, "chromium.sh");
  const ready = join(dir, "ready");
  writeFileSync(
    wrapper,
    `#!/bin/sh
exec unshare --net -- /bin/sh -c 'ip link set lo up
"${process.execPath}" "${join(dir, "forwarder.js")}" ${port} "${sock}" "${ready}" & fwd=$!
i=0; while [ ! -e "${ready}" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
"${CHROMIUM}" "$@"; code=$?; kill $fwd; exit $code' sh "$@"
`,
  );
  chmodSync(wrapper, 0o755);
  try {
    const browser = await puppeteer.launch({
      executablePath: wrapper,
      headless: true,
      pipe: true,
      acceptInsecureCerts: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
    });
    return {
      browser,
      async close() {
        await browser.close();
        host.stop(true);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    host.stop(true);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

export const haveChromium = (): boolean => existsSync(CHROMIUM);
