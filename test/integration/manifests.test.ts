// kube server's manifests directory against an in-process apiserver: files applied at start,
// re-applied on change, bad files named and skipped without stopping the others.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ManifestApplier, startManifestApplier } from "../../components/manifests/manifest-applier.ts";
import { ApiClient } from "../../lib/client/api-client.ts";
import { startTestApiserver, type TestApiserver } from "../harness/apiserver.ts";
import { until } from "../harness/until.ts";

let api: TestApiserver;
let client: ApiClient;
let dir: string;
let applier: ManifestApplier | undefined;
const logs: string[] = [];

beforeAll(async () => {
  api = await startTestApiserver();
  client = new ApiClient({ server: api.url });
  dir = mkdtempSync(join(tmpdir(), "kt-manifests-"));
});

afterAll(async () => {
  await applier?.stop();
  await api.stop();
  rmSync(dir, { recursive: true, force: true });
});

const configMap = (name: string, value: string, namespace?: string) =>
  `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}${namespace ? `\n  namespace: ${namespace}` : ""}
data:
  key: "${value}"
`;

describe("manifests directory", () => {
  test("applies every file at start, several documents and Lists included", async () => {
    writeFileSync(
      join(dir, "10-ns.yaml"),
      `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: kt-addons\n---\n${configMap("in-ns", "a", "kt-addons")}`,
    );
    writeFileSync(join(dir, "20-cm.yml"), configMap("plain", "one"));
    writeFileSync(
      join(dir, "30-list.json"),
      JSON.stringify({
        apiVersion: "v1",
        kind: "List",
        items: [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "from-list" }, data: { k: "v" } }],
      }),
    );
    writeFileSync(join(dir, "notes.txt"), "not a manifest");
    applier = await startManifestApplier({ client, dir, log: (l) => logs.push(l), rescanMs: 60_000 });
    await applier.ready;
    const cm = await client.get<{ data: Record<string, string> }>(
      "/api/v1/namespaces/kt-addons/configmaps/in-ns",
    );
    expect(cm.data.key).toBe("a");
    expect(
      (await client.get<{ data: Record<string, string> }>("/api/v1/namespaces/default/configmaps/plain")).data
        .key,
    ).toBe("one");
    await client.get("/api/v1/namespaces/default/configmaps/from-list");
    expect(logs).toContain("20-cm.yml: applied 1 object");
  });

  test("a changed file is applied again", async () => {
    writeFileSync(join(dir, "20-cm.yml"), configMap("plain", "two"));
    const value = await until("the edited ConfigMap", async () => {
      const cm = await client.get<{ data: Record<string, string> }>(
        "/api/v1/namespaces/default/configmaps/plain",
      );
      return cm.data.key === "two" ? cm : undefined;
    });
    expect(value.data.key).toBe("two");
  });

  test("a bad file or an unknown kind is logged by name, the other files still apply", async () => {
    writeFileSync(join(dir, "40-bad.yaml"), "kind: [unclosed\n");
    writeFileSync(
      join(dir, "50-unknown.yaml"),
      "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n",
    );
    writeFileSync(join(dir, "60-ok.yaml"), configMap("after-bad", "ok"));
    await applier?.sync();
    await client.get("/api/v1/namespaces/default/configmaps/after-bad");
    expect(logs.some((l) => l.startsWith("40-bad.yaml: not applied: document 1:"))).toBe(true);
    expect(logs).toContain("50-unknown.yaml: Widget w: the API serves no kind Widget in example.com/v1");
    // An object without a name is named as the problem, not sent.
    writeFileSync(join(dir, "70-noname.yaml"), "apiVersion: v1\nkind: ConfigMap\ndata: {}\n");
    await applier?.sync();
    expect(logs).toContain(
      "70-noname.yaml: ConfigMap (no name): apiVersion, kind and metadata.name are required",
    );
  });
});
