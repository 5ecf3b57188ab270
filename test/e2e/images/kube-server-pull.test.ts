// `kube server` pulls images from a local registry for pods (process runtime: the pull, the
// content store, the events and the waiting reasons are checked here; the OCI runtime runs the
// rootfs): Pulling/Pulled events, a registry image named like a built-in pulled, ErrImagePull then
// ImagePullBackOff for an unknown tag, a private registry through imagePullSecrets, and a corrupt
// layer refused with nothing partial kept.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type KubeServer, startKubeServer } from "../../harness/kube-server.ts";
import {
  buildBusyboxLayout,
  type LocalRegistry,
  registryToolsMissing,
  startRegistry,
} from "../../harness/registry.ts";
import { until } from "../../harness/until.ts";

const missing =
  registryToolsMissing() ?? (process.getuid?.() === 0 ? undefined : "not root (kube server pods)");
if (missing) console.warn(`skipping kube server image pull tests: ${missing}`);

const auth = { username: "kt-puller", password: "kt-secret-2" };

interface PodView {
  status?: {
    phase?: string;
    containerStatuses?: { imageID?: string; state?: { waiting?: { reason?: string; message?: string } } }[];
  };
}

describe.skipIf(missing !== undefined)("kube server pulls pod images from a registry", () => {
  let work = "";
  let server: KubeServer;
  let open: LocalRegistry;
  let secured: LocalRegistry;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "kt-e2e-images-"));
    const layout = buildBusyboxLayout(join(work, "layout"), "1", {
      entrypoint: ["/bin/sh", "-c"],
      cmd: ["echo started; exec sleep 3600"],
    });
    const corrupt = buildBusyboxLayout(join(work, "corrupt"), "1", {
      files: { "kt-corrupt.txt": "will be damaged\n" },
    });
    open = await startRegistry();
    secured = await startRegistry({ auth });
    open.push(layout, "1", "kt/app:1");
    // Named like the embedded busybox: still this registry's image (a file of its own: its own digest).
    const named = buildBusyboxLayout(join(work, "named"), "1", {
      files: { "kt-named.txt": "from the registry\n" },
      cmd: ["sleep", "3600"],
    });
    open.push(named, "1", "kt/busybox:1");
    open.push(corrupt, "1", "kt/corrupt:1");
    secured.push(layout, "1", "kt/private:1");
    damageLastLayer(open, "kt/corrupt", corrupt);
    server = await startKubeServer();
  }, 180_000);

  afterAll(async () => {
    try {
      await server?.stop();
    } finally {
      await open?.stop();
      await secured?.stop();
      if (work) rmSync(work, { recursive: true, force: true });
    }
  });

  const pod = (name: string, image: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name },
      spec: { containers: [{ name: "main", image }], restartPolicy: "Never", ...extra },
    });

  const create = async (manifest: string): Promise<void> => {
    const result = await server.kubectl(["create", "-f", "-"], { stdin: manifest });
    expect(result.code, result.stderr).toBe(0);
  };

  const view = async (name: string): Promise<PodView> =>
    JSON.parse((await server.kubectl(["get", "pod", name, "-o", "json"])).stdout) as PodView;

  const events = async (name: string): Promise<string[]> => {
    const out = await server.kubectl([
      "get",
      "events",
      "--field-selector",
      `involvedObject.name=${name}`,
      "-o",
      'jsonpath={range .items[*]}{.reason}: {.message}{"\\n"}{end}',
    ]);
    return out.stdout.split("\n").filter((line) => line !== "");
  };

  // ErrImagePull lasts until the pod's next sync, which then reports ImagePullBackOff (as upstream).
  const waitingReason = (name: string, ...reasons: string[]) =>
    until(
      `pod ${name} waiting with ${reasons.join(" or ")}`,
      async () => {
        const waiting = (await view(name)).status?.containerStatuses?.[0]?.state?.waiting;
        return reasons.includes(waiting?.reason ?? "") ? waiting : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );

  test("a pod's image is pulled into the content store and the pod runs", async () => {
    const image = `${open.host}/kt/app:1`;
    await create(pod("kt-pulled", image));
    await until(
      "pod kt-pulled Running",
      async () => ((await view("kt-pulled")).status?.phase === "Running" ? true : undefined),
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    const status = (await view("kt-pulled")).status?.containerStatuses?.[0];
    expect(status?.imageID).toStartWith(`${open.host}/kt/app@sha256:`);
    const said = await until("Pulled event", async () => {
      const list = await events("kt-pulled");
      return list.some((e) => e.startsWith("Pulled:")) ? list : undefined;
    });
    expect(said).toContain(`Pulling: Pulling image "${image}"`);
    expect(said.find((e) => e.startsWith("Pulled:"))).toMatch(
      new RegExp(
        `^Pulled: Successfully pulled image "${image.replace(/[.]/g, "\\.")}" in [0-9.]+m?s \\([0-9.]+m?s including waiting\\)\\. Image size: \\d+ bytes\\.$`,
      ),
    );
    const index = findFile(server.dataDir, "images.json");
    expect(index).toBeDefined();
    const stored = JSON.parse(readFileSync(index ?? "", "utf8")) as { images: { references: string[] }[] };
    expect(stored.images.flatMap((i) => i.references)).toContain(`${open.host}/kt/app:1`);
  }, 90_000);

  test("a registry image named like a built-in (<registry>/kt/busybox) is pulled, not the embedded busybox", async () => {
    const image = `${open.host}/kt/busybox:1`;
    await create(pod("kt-named-busybox", image));
    await until(
      "pod kt-named-busybox Running",
      async () => ((await view("kt-named-busybox")).status?.phase === "Running" ? true : undefined),
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    expect((await view("kt-named-busybox")).status?.containerStatuses?.[0]?.imageID).toStartWith(
      `${open.host}/kt/busybox@sha256:`,
    );
    expect(await events("kt-named-busybox")).toContain(`Pulling: Pulling image "${image}"`);
  }, 90_000);

  test("an unknown tag: ErrImagePull with the registry's answer, then ImagePullBackOff", async () => {
    const image = `${open.host}/kt/app:nope`;
    await create(pod("kt-unknown-tag", image));
    const backoff = await waitingReason("kt-unknown-tag", "ImagePullBackOff");
    expect(backoff.message).toContain(`failed to resolve reference "${image}": ${image}: not found`);
    const said = await events("kt-unknown-tag");
    expect(said).toContain(
      `Failed: Failed to pull image "${image}": failed to pull and unpack image "${image}": failed to resolve reference "${image}": ${image}: not found`,
    );
    expect(said).toContain("Failed: Error: ErrImagePull");
    expect(said).toContain(`BackOff: Back-off pulling image "${image}"`);
    expect(said).toContain("Failed: Error: ImagePullBackOff");
  }, 90_000);

  test("a private registry: refused without credentials, pulled with imagePullSecrets", async () => {
    const image = `${secured.host}/kt/private:1`;
    await create(pod("kt-no-secret", image));
    expect((await waitingReason("kt-no-secret", "ErrImagePull", "ImagePullBackOff")).message).toContain(
      "401 Unauthorized",
    );
    const secret = await server.kubectl([
      "create",
      "secret",
      "docker-registry",
      "kt-regcred",
      `--docker-server=${secured.host}`,
      `--docker-username=${auth.username}`,
      `--docker-password=${auth.password}`,
    ]);
    expect(secret.code, secret.stderr).toBe(0);
    await create(pod("kt-with-secret", image, { imagePullSecrets: [{ name: "kt-regcred" }] }));
    await until(
      "pod kt-with-secret Running",
      async () => ((await view("kt-with-secret")).status?.phase === "Running" ? true : undefined),
      { timeoutMs: 60_000, intervalMs: 200 },
    );
  }, 90_000);

  test("a corrupt layer is refused and nothing partial is left in the store", async () => {
    const image = `${open.host}/kt/corrupt:1`;
    await create(pod("kt-corrupt", image));
    const waiting = await waitingReason("kt-corrupt", "ErrImagePull", "ImagePullBackOff");
    expect(waiting.message).toContain("failed to copy: unexpected");
    const index = findFile(server.dataDir, "images.json");
    const storeDir = join(index ?? "", "..");
    expect(readdirSync(join(storeDir, "tmp"))).toEqual([]);
    const layers = readdirSync(join(storeDir, "layers", "sha256")).filter((n) => !n.endsWith(".json"));
    const stored = JSON.parse(readFileSync(index ?? "", "utf8")) as {
      images: { references: string[]; layers: string[] }[];
    };
    expect(stored.images.flatMap((i) => i.references)).not.toContain(image);
    // Only the complete images' layers are there (the busybox layer is shared with kt/app).
    expect(new Set(layers)).toEqual(new Set(stored.images.flatMap((i) => i.layers.map((l) => l.slice(7)))));
  }, 90_000);
});

/** Overwrites the tail of the image's last layer in the registry's storage: same size, wrong bytes. */
function damageLastLayer(registry: LocalRegistry, _name: string, layout: string): void {
  const index = JSON.parse(readFileSync(join(layout, "index.json"), "utf8")) as {
    manifests: { digest: string }[];
  };
  const blob = (digest: string) => join(layout, "blobs", "sha256", digest.slice(7));
  const manifest = JSON.parse(readFileSync(blob(index.manifests[0]?.digest ?? ""), "utf8")) as {
    layers: { digest: string }[];
  };
  const last = manifest.layers.at(-1)?.digest ?? "";
  const hex = last.slice(7);
  const data = join(
    registry.storage,
    "docker",
    "registry",
    "v2",
    "blobs",
    "sha256",
    hex.slice(0, 2),
    hex,
    "data",
  );
  const bytes = readFileSync(data);
  bytes[bytes.length - 5] = (bytes[bytes.length - 5] ?? 0) ^ 0xff;
  writeFileSync(data, bytes);
}

function findFile(dir: string, name: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isFile() && entry.name === name) return path;
    if (entry.isDirectory()) {
      const found = findFile(path, name);
      if (found) return found;
    }
  }
  return undefined;
}
