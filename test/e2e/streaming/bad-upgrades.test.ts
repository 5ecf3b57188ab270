// Bad streaming requests against kube server's secure port, sent byte for byte over TLS with the
// admin's certificate: SPDY upgrades without or with unknown X-Stream-Protocol-Version, exec
// naming no stream, an unknown container or pod, port-forward without or with bad ports, garbage
// after the 101. Each answer is the upstream code with a Status (the kubelet's, passed back as
// upstream's UpgradeAwareHandler does) and the server stays healthy.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { type KubeServer, startKubeServer } from "../../harness/kube-server.ts";
import { until } from "../../harness/until.ts";

const root = process.getuid?.() === 0;
const POD = "kt-bad-upgrades";

interface Answer {
  status: number;
  head: string;
  body: string;
  /** The connection ended (by the server) before the timeout. */
  closed: boolean;
}

interface Target {
  host: string;
  port: number;
  tls: { cert: string; key: string; ca: string };
}

function targetOf(kubeconfig: string): Target {
  const config = parse(readFileSync(kubeconfig, "utf8")) as {
    clusters: Array<{ cluster: { server: string; "certificate-authority-data": string } }>;
    users: Array<{ user: { "client-certificate-data": string; "client-key-data": string } }>;
  };
  const cluster = config.clusters[0]?.cluster;
  const user = config.users[0]?.user;
  if (!cluster || !user) throw new Error("kubeconfig without a cluster or user");
  const url = new URL(cluster.server);
  const b64 = (s: string) => Buffer.from(s, "base64").toString("utf8");
  return {
    host: url.hostname,
    port: Number(url.port),
    tls: {
      cert: b64(user["client-certificate-data"]),
      key: b64(user["client-key-data"]),
      ca: b64(cluster["certificate-authority-data"]),
    },
  };
}

/** Sends `head` (and then `after`, once a 101 arrived) and collects the answer until close or timeout. */
async function send(t: Target, head: string, after?: Uint8Array, timeoutMs = 5000): Promise<Answer> {
  let text = "";
  let closed = false;
  let handshook = false;
  const socket = await Bun.connect({
    hostname: t.host,
    port: t.port,
    tls: t.tls,
    socket: {
      handshake: () => {
        handshook = true;
      },
      data: (_s, d) => {
        text += new TextDecoder().decode(d);
      },
      close: () => {
        closed = true;
      },
    },
  });
  await until("the TLS handshake", () => (handshook ? true : undefined));
  socket.write(head);
  const deadline = Date.now() + timeoutMs;
  const complete = () => {
    const end = text.indexOf("\r\n\r\n");
    if (end < 0) return false;
    if (text.startsWith("HTTP/1.1 101")) return true;
    const length = /content-length: (\d+)/i.exec(text.slice(0, end));
    return closed || (length !== null && text.length - end - 4 >= Number(length[1]));
  };
  while (!complete() && Date.now() < deadline) await Bun.sleep(10);
  if (after && text.startsWith("HTTP/1.1 101")) {
    socket.write(after);
    while (!closed && Date.now() < deadline) await Bun.sleep(10);
  }
  const wasClosed = closed;
  socket.terminate();
  const end = text.indexOf("\r\n\r\n");
  return {
    status: Number(text.split(" ")[1]),
    head: text.slice(0, end),
    body: text.slice(end + 4),
    closed: wasClosed,
  };
}

const spdy = (path: string, protocols: string[], method = "POST") =>
  `${method} ${path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n${protocols
    .map((p) => `X-Stream-Protocol-Version: ${p}\r\n`)
    .join("")}Content-Length: 0\r\n\r\n`;

const websocket = (path: string, protocol: string) =>
  `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: ${protocol}\r\n\r\n`;

function status(a: Answer): { code: number; message: string } {
  const s = JSON.parse(a.body) as { kind: string; code: number; message: string };
  expect(s.kind).toBe("Status");
  return { code: s.code, message: s.message };
}

describe.skipIf(!root)("bad exec, attach and port-forward upgrades", () => {
  let server: KubeServer;
  let t: Target;
  const base = `/api/v1/namespaces/default/pods/${POD}`;
  const exec = `${base}/exec?command=true&container=main&stdout=true`;

  beforeAll(async () => {
    server = await startKubeServer();
    t = targetOf(server.kubeconfig);
    const pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: POD },
      spec: { containers: [{ name: "main", image: "busybox", command: ["/bin/busybox", "sleep", "3600"] }] },
    };
    const created = await server.kubectl(["create", "-f", "-"], { stdin: JSON.stringify(pod) });
    expect(created.code, created.stderr).toBe(0);
    await until(
      `pod ${POD} Running`,
      async () => {
        const r = await server.kubectl(["get", "pod", POD, "-o", "jsonpath={.status.phase}"]);
        return r.stdout === "Running" ? true : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
  });

  test("SPDY exec: the protocol header missing is 400, none in common 403, upstream's texts", async () => {
    const missing = await send(t, spdy(exec, []));
    expect(missing.status).toBe(400);
    expect(status(missing).message).toBe("unable to upgrade: X-Stream-Protocol-Version is required");
    const unknown = await send(t, spdy(exec, ["v9.channel.k8s.io", "v5.channel.k8s.io"]));
    expect(unknown.status).toBe(403);
    expect(status(unknown).message).toBe(
      "unable to upgrade: unable to negotiate protocol: client supports [v9.channel.k8s.io v5.channel.k8s.io], server accepts [v4.channel.k8s.io v3.channel.k8s.io v2.channel.k8s.io channel.k8s.io]",
    );
  });

  test("SPDY exec naming no stream, an unknown container, an unknown pod", async () => {
    const none = await send(t, spdy(`${base}/exec?command=true&container=main`, ["v4.channel.k8s.io"]));
    expect(none.status).toBe(400);
    expect(status(none).message).toBe("you must specify at least 1 of stdin, stdout, stderr");
    const container = await send(
      t,
      spdy(`${base}/exec?command=true&container=nope&stdout=true`, ["v4.channel.k8s.io"]),
    );
    expect(container.status).toBe(400);
    expect(status(container).message).toBe(`container nope is not valid for pod ${POD}`);
    const pod = await send(
      t,
      spdy("/api/v1/namespaces/default/pods/ghost/attach?stdout=true", ["v4.channel.k8s.io"]),
    );
    expect(pod.status).toBe(404);
    expect(status(pod).message).toBe('pods "ghost" not found');
  });

  test("port-forward: an exec protocol over SPDY is 403; the channel protocol without or with bad ports is 400", async () => {
    const wrong = await send(t, spdy(`${base}/portforward`, ["v4.channel.k8s.io"]));
    expect(wrong.status).toBe(403);
    expect(status(wrong).message).toContain("server accepts [portforward.k8s.io]");
    const noPorts = await send(t, websocket(`${base}/portforward`, "v4.channel.k8s.io"));
    expect(noPorts.status).toBe(400);
    expect(status(noPorts).message).toBe('query parameter "port" is required');
    const zero = await send(t, websocket(`${base}/portforward?ports=0`, "v4.channel.k8s.io"));
    expect(zero.status).toBe(400);
    expect(status(zero).message).toBe('port "0" must be > 0');
    const text = await send(t, websocket(`${base}/portforward?ports=http`, "v4.channel.k8s.io"));
    expect(text.status).toBe(400);
    expect(status(text).message).toBe(
      'unable to parse "http" as a port: strconv.ParseUint: parsing "http": invalid syntax',
    );
  });

  test("a well-formed upgrade answers 101 with the chosen protocol; garbage after it ends the connection", async () => {
    // Stream ids must be odd for a client: a SYN_STREAM for stream 2 with a broken header block.
    const garbage = new Uint8Array([0x80, 3, 0, 1, 0, 0, 0, 12, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4]);
    const up = await send(t, spdy(`${base}/portforward`, ["portforward.k8s.io"]), garbage, 10_000);
    expect(up.status).toBe(101);
    expect(up.head).toContain("X-Stream-Protocol-Version: portforward.k8s.io");
    expect(up.closed).toBe(true);
    const healthz = await fetch(`https://${t.host}:${t.port}/healthz`, { tls: t.tls });
    expect(await healthz.text()).toBe("ok");
    // The cluster still streams.
    const after = await server.kubectl([
      "exec",
      POD,
      "-c",
      "main",
      "--",
      "/bin/busybox",
      "echo",
      "still fine",
    ]);
    expect(after.stdout).toBe("still fine\n");
  }, 30_000);
});
