// serviceaccount-token sync(key) over fake informers (upstream tokens_controller_test.go): a
// token Secret naming an account gets token, ca.crt, namespace and the uid annotation; a
// populated one is left alone; one whose account is gone or has another uid is deleted, and an
// account's deletion takes its tokens.
import { afterEach, expect, test } from "bun:test";
import { generateKeyPairSync } from "node:crypto";
import { jwtVerify } from "jose";
import type { Secret, ServiceAccount } from "kubernetes-types/core/v1";
import { loadSigningKey } from "../../../lib/serviceaccount/signing-key.ts";
import { TokenSigner } from "../../../lib/serviceaccount/token-signer.ts";
import {
  type TestControllerContext,
  testControllerContext,
} from "../common/testing/test-controller-context.ts";
import {
  serviceAccountTokenController,
  startTokensController,
  type TokensController,
} from "./tokens-controller.ts";

const PEM = generateKeyPairSync("rsa", { modulusLength: 2048 })
  .privateKey.export({ type: "pkcs1", format: "pem" })
  .toString();
const key = loadSigningKey(PEM);
const CA = "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n";
let t: TestControllerContext;
afterEach(() => t?.close());

const sa = (name: string, uid: string): ServiceAccount => ({
  apiVersion: "v1",
  kind: "ServiceAccount",
  metadata: { name, namespace: "ns", uid },
});
const secret = (
  name: string,
  annotations: Record<string, string>,
  data?: Record<string, string>,
): Secret => ({
  apiVersion: "v1",
  kind: "Secret",
  type: "kubernetes.io/service-account-token",
  metadata: { name, namespace: "ns", annotations, uid: `uid-${name}` },
  ...(data ? { data } : {}),
});
const b64 = (s: string) => Buffer.from(s).toString("base64");

async function start(accounts: ServiceAccount[], secrets: Secret[]): Promise<TokensController> {
  t = testControllerContext();
  t.api.seed("/api/v1/serviceaccounts", ...accounts);
  t.api.seed("/api/v1/secrets", ...secrets);
  const c = startTokensController(t.context, {
    signer: new TokenSigner(key, "kubernetes/serviceaccount"),
    rootCA: CA,
  });
  await t.synced();
  return c;
}

test("a token Secret for an account is populated with a legacy JWT, ca.crt, namespace and the uid", async () => {
  const c = await start(
    [sa("builder", "sa-uid")],
    [secret("builder-token", { "kubernetes.io/service-account.name": "builder" })],
  );
  await c.sync("secret/ns/builder-token");
  const updates = t.api.writes("secrets");
  expect(updates.map((w) => w.verb)).toEqual(["update"]);
  const body = updates[0]?.body as Secret;
  expect(body.metadata?.annotations).toEqual({
    "kubernetes.io/service-account.name": "builder",
    "kubernetes.io/service-account.uid": "sa-uid",
  });
  expect(Buffer.from(body.data?.["ca.crt"] ?? "", "base64").toString()).toBe(CA);
  expect(Buffer.from(body.data?.namespace ?? "", "base64").toString()).toBe("ns");
  const token = Buffer.from(body.data?.token ?? "", "base64").toString();
  const { payload, protectedHeader } = await jwtVerify(token, key.publicKey, {
    issuer: "kubernetes/serviceaccount",
  });
  expect(protectedHeader.kid).toBe(key.kid);
  expect(payload).toEqual({
    iss: "kubernetes/serviceaccount",
    "kubernetes.io/serviceaccount/namespace": "ns",
    "kubernetes.io/serviceaccount/secret.name": "builder-token",
    "kubernetes.io/serviceaccount/service-account.name": "builder",
    "kubernetes.io/serviceaccount/service-account.uid": "sa-uid",
    sub: "system:serviceaccount:ns:builder",
  });
  await c.stop();
});

test("a populated Secret is left alone; only a missing piece is filled in", async () => {
  const annotations = {
    "kubernetes.io/service-account.name": "builder",
    "kubernetes.io/service-account.uid": "sa-uid",
  };
  const c = await start(
    [sa("builder", "sa-uid")],
    [
      secret("full", annotations, { token: b64("t"), "ca.crt": b64(CA), namespace: b64("ns") }),
      secret("no-ca", annotations, { token: b64("keep"), namespace: b64("ns") }),
    ],
  );
  await c.sync("secret/ns/full");
  expect(t.api.writes()).toEqual([]);
  await c.sync("secret/ns/no-ca");
  const body = t.api.writes("secrets")[0]?.body as Secret;
  expect(body.data?.token).toBe(b64("keep"));
  expect(body.data?.["ca.crt"]).toBe(b64(CA));
  await c.stop();
});

test("an account that is gone or was recreated (other uid) takes its token Secrets with it", async () => {
  const c = await start(
    [sa("builder", "new-uid")],
    [
      secret("stale", {
        "kubernetes.io/service-account.name": "builder",
        "kubernetes.io/service-account.uid": "old-uid",
      }),
      secret("orphan", { "kubernetes.io/service-account.name": "ghost" }),
    ],
  );
  await c.sync("secret/ns/stale");
  await c.sync("secret/ns/orphan");
  const deletes = t.api.writes("secrets");
  expect(deletes.map((w) => [w.verb, w.name])).toEqual([
    ["delete", "stale"],
    ["delete", "orphan"],
  ]);
  expect(deletes[0]?.body).toMatchObject({ preconditions: { uid: "uid-stale" } });
  await c.stop();
});

test("deleting an account deletes its tokens, not other accounts' or other types", async () => {
  const mine = {
    "kubernetes.io/service-account.name": "builder",
    "kubernetes.io/service-account.uid": "sa-uid",
  };
  const c = await start(
    [],
    [
      secret("mine", mine),
      secret("other", { "kubernetes.io/service-account.name": "other" }),
      { ...secret("opaque", mine), type: "Opaque" },
    ],
  );
  await c.sync("serviceaccount/ns/builder/sa-uid");
  expect(t.api.writes("secrets").map((w) => [w.verb, w.name])).toEqual([["delete", "mine"]]);
  await c.stop();
});

test("without --service-account-private-key-file the controller does not run", async () => {
  t = testControllerContext();
  const running = await serviceAccountTokenController.start(t.context);
  await running.stop();
  expect(t.logs).toContain("serviceaccount-token is disabled: no --service-account-private-key-file");
});
