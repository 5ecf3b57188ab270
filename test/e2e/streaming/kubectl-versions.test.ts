// kubectl 1.27, 1.30, 1.32 and 1.33 (the binaries beside the dispatcher, called directly) through
// exec (exit code, stderr, stdin, a bad container, -it with a pty through `script`), attach and
// port-forward against kube server over https. 1.27 speaks only SPDY/3.1 (exec and port-forward);
// 1.30 websockets for exec and SPDY for port-forward; 1.32 and 1.33 websockets for both, and
// SPDY again when told to (KUBECTL_REMOTE_COMMAND_WEBSOCKETS / KUBECTL_PORT_FORWARD_WEBSOCKETS=false).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type KubeServer, startKubeServer } from "../../harness/kube-server.ts";
import { until } from "../../harness/until.ts";
import { kubectlVersion, type VersionedKubectl, versionedKubectl } from "./kubectl-streams.ts";

const root = process.getuid?.() === 0;
const MINORS = [27, 30, 32, 33];
const POD = "kt-streams";
const WEB_PORT = 18080;
const TTY_SCRIPT = "stty size 2>/dev/null; tty; echo ready; read line; echo got $line; exit 4";
/** 8 MB that no compression shrinks: several at once overrun every buffer on the way. */
const BIG = new Uint8Array(8 << 20).map((_, i) => (i * 7919 + (i >> 13)) % 251);
const sha = (b: Uint8Array | ArrayBuffer) => createHash("sha256").update(new Uint8Array(b)).digest("hex");
const SPDY_ONLY = { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: "false", KUBECTL_PORT_FORWARD_WEBSOCKETS: "false" };

describe.skipIf(!root)("kubectl versions: exec, attach and port-forward", () => {
  let server: KubeServer;
  let webDir: string;
  const clients: VersionedKubectl[] = [];

  beforeAll(async () => {
    webDir = mkdtempSync(join(tmpdir(), "kt-web-"));
    writeFileSync(join(webDir, "index.html"), "hello through port-forward\n");
    writeFileSync(join(webDir, "big.bin"), BIG);
    server = await startKubeServer();
    const pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: POD },
      spec: {
        containers: [
          {
            name: "main",
            image: "busybox",
            command: [
              "/bin/busybox",
              "sh",
              "-c",
              "i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.2; done",
            ],
          },
          {
            name: "web",
            image: "busybox",
            command: ["/bin/busybox", "httpd", "-f", "-p", String(WEB_PORT), "-h", webDir],
          },
        ],
      },
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
    for (const c of clients) c.cleanup();
    await server?.stop();
    if (webDir) rmSync(webDir, { recursive: true, force: true });
  });

  async function exercise(minor: number, env: Record<string, string>): Promise<void> {
    const bin = kubectlVersion(minor) as string;
    const k = versionedKubectl(bin, server.kubeconfig);
    clients.push(k);
    const pod = JSON.parse((await k.run(["get", "pod", POD, "-o", "json"])).stdout) as {
      metadata: { uid: string };
      status: { podIP: string };
    };
    const { uid } = pod.metadata;
    const { podIP } = pod.status;
    const version = await k.run(["version", "--client", "-o", "json"]);
    expect(version.stdout).toContain(`"minor": "${minor}"`);

    // exec: stdout, stderr and the exit code from the v4/v5 Status.
    const exec = await k.run(
      ["exec", POD, "-c", "main", "--", "/bin/busybox", "sh", "-c", "echo out; echo err >&2; exit 3"],
      { env },
    );
    expect(exec.stdout).toBe("out\n");
    expect(exec.stderr).toContain("err\n");
    expect(exec.stderr).toContain("command terminated with exit code 3");
    expect(exec.code).toBe(3);

    // exec -i: stdin reaches the process and its end closes it.
    const cat = await k.run(["exec", "-i", POD, "-c", "main", "--", "/bin/busybox", "cat"], {
      stdin: "line one\nline two\n",
      env,
    });
    expect(cat.stderr).toBe("");
    expect(cat.stdout).toBe("line one\nline two\n");
    expect(cat.code).toBe(0);

    // A container the pod does not have: the apiserver's 400, on the websocket and the SPDY attempt.
    const bad = await k.run(["exec", POD, "-c", "nope", "--", "true"], { env });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("container nope is not valid for pod kt-streams");

    // exec -it from a terminal (script): raw keystrokes on stdin; the process runtime has no pty
    // of its own, so the terminal size is checked only when the container got one.
    const inner = k
      .argv(["exec", "-it", POD, "-c", "main", "--", "/bin/busybox", "sh", "-c", TTY_SCRIPT])
      .map((a) => `'${a}'`)
      .join(" ");
    const tty = Bun.spawn(["script", "-qec", `stty rows 33 cols 101; ${inner}`, "/dev/null"], {
      stdin: "pipe",
      stdout: "pipe",
      stderr: "pipe",
      env: k.env(env),
    });
    const ttyTimer = setTimeout(() => tty.kill("SIGKILL"), 30_000);
    let ttyOut = "";
    const reading = (async () => {
      for await (const chunk of tty.stdout) ttyOut += new TextDecoder().decode(chunk);
    })();
    await until("the shell's prompt line", () => (ttyOut.includes("ready") ? true : undefined));
    tty.stdin.write("abc\n");
    await tty.stdin.flush();
    const ttyCode = await tty.exited;
    await reading;
    clearTimeout(ttyTimer);
    expect(ttyOut).toContain("got abc");
    if (/\/dev\/pts\/\d+/.test(ttyOut)) expect(ttyOut).toContain("33 101");
    expect(ttyCode).toBe(4);

    // attach: the running container's output.
    const attach = k.spawn(["attach", POD, "-c", "main"], env);
    await attach.waitFor(/tick \d+\n.*tick \d+/s);
    await attach.stop();

    // attach -i: `run -i --rm` attaches to the new pod's stdin, then deletes it.
    const name = `kt-run-${minor}${env === SPDY_ONLY ? "-spdy" : ""}`;
    const run = await k.run(
      [
        "run",
        name,
        "-i",
        "--rm",
        "--restart=Never",
        "--image=busybox",
        "--",
        "/bin/busybox",
        "sh",
        "-c",
        "read l; echo got $l",
      ],
      { stdin: "through attach\n", env },
    );
    expect(run.stdout).toContain("got through attach\n");
    expect(run.stdout).toContain(`pod "${name}" deleted`);
    expect(run.code).toBe(0);

    // port-forward: a local port to the pod's web server.
    const pf = k.spawn(["port-forward", `pod/${POD}`, `:${WEB_PORT}`], env);
    const m = await pf.waitFor(new RegExp(`Forwarding from 127\\.0\\.0\\.1:(\\d+) -> ${WEB_PORT}`));
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`http://127.0.0.1:${m[1]}/index.html`);
      expect(await res.text()).toBe("hello through port-forward\n");
    }
    // Four large downloads at once: every byte arrives (backpressure, not dropped messages).
    const bodies = await Promise.all(
      [1, 2, 3, 4].map(async () => (await fetch(`http://127.0.0.1:${m[1]}/big.bin`)).arrayBuffer()),
    );
    for (const body of bodies) expect(sha(body)).toBe(sha(BIG));
    expect(pf.err()).not.toContain("error");
    await pf.stop();

    // A port nothing listens on: the kubelet's error reaches kubectl, which gives up on the pod.
    const refused = k.spawn(["port-forward", `pod/${POD}`, ":9"], env);
    const r = await refused.waitFor(/Forwarding from 127\.0\.0\.1:(\d+) -> 9/);
    await fetch(`http://127.0.0.1:${r[1]}/`).catch(() => undefined);
    expect(await refused.proc.exited).toBe(1);
    expect(refused.err()).toContain(
      `error forwarding port 9 to pod default/${POD}, uid ${uid}: dial tcp4 ${podIP}:9: connect: connection refused`,
    );
    expect(refused.err()).toContain("error: lost connection to pod");

    // A large output through exec, and a large input.
    const out = Bun.spawn(
      k.argv(["exec", POD, "-c", "main", "--", "/bin/busybox", "cat", join(webDir, "big.bin")]),
      {
        stdout: "pipe",
        stderr: "pipe",
        env: k.env(env),
      },
    );
    expect(sha(await new Response(out.stdout).arrayBuffer())).toBe(sha(BIG));
    expect(await out.exited).toBe(0);
    const sum = Bun.spawn(k.argv(["exec", "-i", POD, "-c", "main", "--", "/bin/busybox", "sha256sum"]), {
      stdin: BIG,
      stdout: "pipe",
      stderr: "pipe",
      env: k.env(env),
    });
    expect(await new Response(sum.stdout).text()).toStartWith(sha(BIG));
    expect(await sum.exited).toBe(0);
  }

  for (const minor of MINORS) {
    const bin = kubectlVersion(minor);
    if (!bin) {
      // Visible: the binaries come with the Google Cloud SDK's kubectl, which CI need not have.
      test.skip(`kubectl 1.${minor} (not installed beside the dispatcher)`, () => undefined);
      continue;
    }
    test(`kubectl 1.${minor}`, () => exercise(minor, {}), 120_000);
    if (minor >= 30) test(`kubectl 1.${minor} over SPDY/3.1`, () => exercise(minor, SPDY_ONLY), 120_000);
  }
});
