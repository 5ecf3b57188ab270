// root-ca-cert-publisher sync(namespace) over fake informers (upstream publisher_test.go):
// created where missing, put back when edited, left alone when right, nothing in a terminating
// namespace; without a CA it publishes an empty ca.crt (upstream).
import { afterEach, expect, test } from "bun:test";
import type { ConfigMap, Namespace } from "kubernetes-types/core/v1";
import {
  type TestControllerContext,
  testControllerContext,
} from "../common/testing/test-controller-context.ts";
import {
  DESCRIPTION,
  DESCRIPTION_ANNOTATION,
  type RootCaCertPublisher,
  rootCaCertPublisherController,
  startRootCaCertPublisher,
} from "./root-ca-cert-publisher.ts";

const CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
let t: TestControllerContext;
afterEach(() => t?.close());

const ns = (name: string, phase = "Active"): Namespace => ({
  apiVersion: "v1",
  kind: "Namespace",
  metadata: { name },
  status: { phase },
});

async function start(namespaces: Namespace[], configMaps: ConfigMap[] = []) {
  t = testControllerContext();
  t.api.seed("/api/v1/namespaces", ...namespaces);
  t.api.seed("/api/v1/configmaps", ...configMaps);
  const c = startRootCaCertPublisher(t.context, CA);
  await t.synced();
  return c;
}

test("a namespace without the ConfigMap gets it, with the description", async () => {
  const c = await start([ns("shop")]);
  await c.sync("shop");
  const writes = t.api.writes("configmaps");
  expect(writes.map((w) => w.verb)).toEqual(["create"]);
  expect(writes[0]?.namespace).toBe("shop");
  expect(writes[0]?.body).toEqual({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "kube-root-ca.crt", annotations: { [DESCRIPTION_ANNOTATION]: DESCRIPTION } },
    data: { "ca.crt": CA },
  });
  await c.stop();
});

test("an edited ConfigMap is put back; a right one is left alone; extra keys go", async () => {
  const good: ConfigMap = {
    metadata: {
      name: "kube-root-ca.crt",
      namespace: "a",
      annotations: { [DESCRIPTION_ANNOTATION]: DESCRIPTION },
    },
    data: { "ca.crt": CA },
  };
  const edited: ConfigMap = {
    metadata: { name: "kube-root-ca.crt", namespace: "b", labels: { keep: "me" } },
    data: { "ca.crt": "tampered", extra: "x" },
  };
  const c = await start([ns("a"), ns("b")], [good, edited]);
  await c.sync("a");
  expect(t.api.writes()).toEqual([]);
  await c.sync("b");
  const writes = t.api.writes("configmaps");
  expect(writes.map((w) => w.verb)).toEqual(["update"]);
  const body = writes[0]?.body as ConfigMap;
  expect(body.data).toEqual({ "ca.crt": CA });
  expect(body.metadata?.labels).toEqual({ keep: "me" });
  expect(body.metadata?.annotations?.[DESCRIPTION_ANNOTATION]).toBe(DESCRIPTION);
  await c.stop();
});

test("a terminating or unknown namespace gets nothing", async () => {
  const c = await start([ns("old", "Terminating")]);
  await c.sync("old");
  await c.sync("missing");
  expect(t.api.writes()).toEqual([]);
  await c.stop();
});

test("without any CA (plain HTTP) it publishes an empty ca.crt, as upstream", async () => {
  t = testControllerContext();
  t.api.seed("/api/v1/namespaces", ns("shop"));
  const running = (await rootCaCertPublisherController.start(t.context)) as RootCaCertPublisher;
  await t.synced();
  await running.sync("shop");
  await running.stop();
  expect(t.logs).toContain(
    "root-ca-cert-publisher: no --root-ca-file and no CA in the kubeconfig: publishing an empty ca.crt",
  );
  const written = t.api.writes("configmaps")[0]?.body as ConfigMap;
  expect(written.data).toEqual({ "ca.crt": "" });
});
