// kube server after a crash: `kill -9` leaves pods, bridges and rules behind, and the next start
// on the same data dir adopts the running pod (same container, no restart) and keeps serving its
// Service. Also: files in <data-dir>/manifests are applied and re-applied when they change, and a
// pod gets its services' environment variables. stop() then checks nothing is left.

import { afterAll, beforeAll, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type KubeServer, startKubeServer } from "../../harness/kube-server.ts";
import { recvOnly } from "./recv-only.ts";
import { seedUntil } from "./seed-until.ts";

const root = process.getuid?.() === 0;
let server: KubeServer;
const wait = seedUntil(() => server);

interface PodView {
  name: string;
  containerID: string;
  restartCount: number;
}

async function helloPod(): Promise<PodView | undefined> {
  const out = await server.kubectl(["get", "pods", "-l", "app=hello", "-o", "json"]);
  const pods = (
    JSON.parse(out.stdout) as {
      items: {
        metadata: { name: string };
        status?: { containerStatuses?: { ready: boolean; containerID?: string; restartCount: number }[] };
      }[];
    }
  ).items;
  const status = pods[0]?.status?.containerStatuses?.[0];
  if (pods.length !== 1 || !status?.ready || !status.containerID) return undefined;
  return {
    name: pods[0]?.metadata.name ?? "",
    containerID: status.containerID,
    restartCount: status.restartCount,
  };
}

async function clusterIP(): Promise<string> {
  return (await server.kubectl(["get", "svc", "hello", "-o", "jsonpath={.spec.clusterIP}"])).stdout;
}

beforeAll(async () => {
  if (root) server = await startKubeServer();
}, 60_000);

afterAll(async () => {
  await server?.stop();
}, 60_000);

test.skipIf(!root)(
  "a crash (kill -9) and a start on the same data dir adopt the running pod",
  async () => {
    await server.kubectl(["create", "deployment", "hello", "--image=hello"]);
    await server.kubectl(["expose", "deployment", "hello", "--port", "80"]);
    const before = await wait("the hello pod Running", helloPod);
    const ip = await clusterIP();
    expect(await recvOnly(ip)).toBe("hello\n");

    await server.restart({ crash: true });
    expect(server.stderr()).toMatch(/adopted 1 sandboxes?, 1 containers?/);
    const after = await wait("the hello pod Running after the restart", helloPod);
    expect(after).toEqual(before); // the same pod and container, not started again
    expect(await clusterIP()).toBe(ip);
    expect(await recvOnly(ip)).toBe("hello\n");
  },
  60_000,
);

test.skipIf(!root)(
  "the manifests directory is applied, and again when a file changes",
  async () => {
    const file = join(server.dataDir, "manifests", "kt-settings.yaml");
    const configMap = (value: string) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kt-settings\ndata:\n  mode: ${value}\n`;
    writeFileSync(file, configMap("first"));
    const read = async (want: string) => {
      const out = await server.kubectl(["get", "configmap", "kt-settings", "-o", "jsonpath={.data.mode}"]);
      return out.stdout === want ? out.stdout : undefined;
    };
    await wait("the ConfigMap from the manifests dir", () => read("first"));
    writeFileSync(file, configMap("second"));
    await wait("the ConfigMap edited in the manifests dir", () => read("second"));
    expect(server.stderr()).toContain("manifests: kt-settings.yaml: applied 1 object");
  },
  60_000,
);

test.skipIf(!root)(
  "a pod started after a Service gets its variables, and the API server's",
  async () => {
    await server.kubectl(["run", "kt-env", "--image=busybox", "--", "sleep", "3600"]);
    await wait("kt-env Running", async () => {
      const out = await server.kubectl(["get", "pod", "kt-env", "-o", "jsonpath={.status.phase}"]);
      return out.stdout === "Running" ? true : undefined;
    });
    const env = (await server.kubectl(["exec", "kt-env", "--", "env"])).stdout;
    const ip = await clusterIP();
    expect(env).toContain(`HELLO_SERVICE_HOST=${ip}\n`);
    expect(env).toContain("HELLO_SERVICE_PORT=80\n");
    expect(env).toContain(`HELLO_PORT_80_TCP_ADDR=${ip}\n`);
    expect(env).toMatch(/^KUBERNETES_SERVICE_HOST=10\.\d+\.0\.1$/m);
  },
  60_000,
);
