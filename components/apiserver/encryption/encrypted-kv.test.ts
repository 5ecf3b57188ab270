// Encryption at rest end to end through the in-process apiserver over SQLite: a Secret is
// ciphertext in the database file and plain through the API (get, list, watch); key rotation,
// identity-first decryption, and an unreadable value's error.

import { Database } from "bun:sqlite";
import { afterEach, beforeEach, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bytes, text } from "../../../storage/keys.ts";
import { DB_FILE } from "../../../storage/sqlite/data-dir.ts";
import { openSqliteKV, type SqliteKV } from "../../../storage/sqlite/sqlite-kv.ts";
import { type Apiserver, startApiserver } from "../server.ts";
import { wrapKvWithEncryption } from "./encrypted-kv.ts";
import type { EncryptionConfiguration, ProviderConfiguration } from "./encryption-config.ts";

let dir: string;
let raw: SqliteKV | undefined;
let api: Apiserver | undefined;

const secretKey = "/registry/secrets/default/db-pass";
const k1 = Buffer.from(randomBytes(32)).toString("base64");
const k2 = Buffer.from(randomBytes(32)).toString("base64");
const aescbc = (name: string, secret: string): ProviderConfiguration => ({
  aescbc: { keys: [{ name, secret }] },
});
const secretbox = (name: string, secret: string): ProviderConfiguration => ({
  secretbox: { keys: [{ name, secret }] },
});
const config = (...providers: ProviderConfiguration[]): EncryptionConfiguration => ({
  resources: [{ resources: ["secrets"], providers }],
});

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "kt-enc-"));
});

afterEach(async () => {
  try {
    await stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

async function start(c: EncryptionConfiguration): Promise<Apiserver> {
  raw = await openSqliteKV({ dataDir: join(dir, "db"), leaseCheckIntervalMs: 0 });
  api = await startApiserver({ kv: wrapKvWithEncryption(raw, c), compactionIntervalMs: 0 });
  return api;
}

async function stop(): Promise<void> {
  await api?.stop();
  await raw?.close();
  api = undefined;
  raw = undefined;
}

function call(method: string, path: string, body?: object): Promise<Response> {
  if (!api) throw new Error("no apiserver");
  return api.handler(
    new Request(`http://x${path}`, {
      method,
      headers: { "Content-Type": "application/json" },
      ...(body ? { body: JSON.stringify(body) } : {}),
    }),
  );
}

const secret = {
  apiVersion: "v1",
  kind: "Secret",
  metadata: { name: "db-pass" },
  stringData: { password: "hunter2-s3cr3t" },
};

async function storedValue(): Promise<string> {
  if (!raw) throw new Error("no store");
  const found = (await raw.range({ key: bytes(secretKey) })).kvs[0];
  return found ? text(found.value) : "";
}

async function password(): Promise<string> {
  const res = await call("GET", "/api/v1/namespaces/default/secrets/db-pass");
  expect(res.status).toBe(200);
  const body = (await res.json()) as { data: { password: string } };
  return Buffer.from(body.data.password, "base64").toString();
}

test("a Secret is ciphertext on disk and plain through get, list and watch; ConfigMaps stay plain", async () => {
  await start(config(aescbc("key1", k1), { identity: {} }));
  const watch = await call("GET", "/api/v1/namespaces/default/secrets?watch=true");
  expect((await call("POST", "/api/v1/namespaces/default/secrets", secret)).status).toBe(201);
  const cm = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "plain" },
    data: { a: "visible-value" },
  };
  expect((await call("POST", "/api/v1/namespaces/default/configmaps", cm)).status).toBe(201);

  const stored = await storedValue();
  expect(stored.startsWith("k8s:enc:aescbc:v1:key1:")).toBe(true);
  expect(stored).not.toContain("hunter2");
  expect(stored).not.toContain(Buffer.from("hunter2-s3cr3t").toString("base64"));
  expect(await password()).toBe("hunter2-s3cr3t");
  const list = (await (await call("GET", "/api/v1/namespaces/default/secrets")).json()) as {
    items: { metadata: { name: string } }[];
  };
  expect(list.items.map((s) => s.metadata.name)).toContain("db-pass");

  const reader = watch.body?.getReader();
  let received = "";
  // The stream opens with a bare newline; read until one whole event line arrived.
  while (reader && !/\S\n/.test(received)) {
    const chunk = await reader.read();
    if (chunk.done) break;
    received += new TextDecoder().decode(chunk.value);
  }
  await reader?.cancel();
  const event = JSON.parse(received.trim().split("\n")[0] ?? "{}") as {
    type: string;
    object: { data: { password: string } };
  };
  expect(event.type).toBe("ADDED");
  expect(Buffer.from(event.object.data.password, "base64").toString()).toBe("hunter2-s3cr3t");

  // And in the database file itself, read by SQLite directly after the store closed.
  await stop();
  const db = new Database(join(dir, "db", DB_FILE), { readonly: true });
  try {
    const rows = db.query("SELECT key, value FROM log").all() as { key: Uint8Array; value: Uint8Array }[];
    const values = rows.map((r) => Buffer.from(r.value).toString("latin1"));
    expect(values.some((v) => v.includes("visible-value"))).toBe(true);
    expect(values.some((v) => v.includes("hunter2"))).toBe(false);
  } finally {
    db.close();
  }
});

test("rotation: a new key first still reads the old one's data, and rewrites go out under the new key", async () => {
  await start(config(aescbc("key1", k1)));
  await call("POST", "/api/v1/namespaces/default/secrets", secret);
  await stop();

  await start(config(aescbc("key2", k2), aescbc("key1", k1)));
  expect(await password()).toBe("hunter2-s3cr3t");
  expect((await storedValue()).startsWith("k8s:enc:aescbc:v1:key1:")).toBe(true);
  // kubectl get secrets -A -o json | kubectl replace -f -: every Secret rewritten with key2.
  const current = await (await call("GET", "/api/v1/namespaces/default/secrets/db-pass")).json();
  expect((await call("PUT", "/api/v1/namespaces/default/secrets/db-pass", current as object)).status).toBe(
    200,
  );
  expect((await storedValue()).startsWith("k8s:enc:aescbc:v1:key2:")).toBe(true);
  await stop();

  await start(config(aescbc("key2", k2)));
  expect(await password()).toBe("hunter2-s3cr3t");
});

test("identity first reads encrypted data and writes plain (decrypting a cluster); secretbox too", async () => {
  await start(config(secretbox("sb", k1)));
  await call("POST", "/api/v1/namespaces/default/secrets", secret);
  expect((await storedValue()).startsWith("k8s:enc:secretbox:v1:sb:")).toBe(true);
  await stop();

  await start(config({ identity: {} }, secretbox("sb", k1)));
  expect(await password()).toBe("hunter2-s3cr3t");
  const current = await (await call("GET", "/api/v1/namespaces/default/secrets/db-pass")).json();
  await call("PUT", "/api/v1/namespaces/default/secrets/db-pass", current as object);
  expect((await storedValue()).startsWith("{")).toBe(true);
});

test("a value no provider can read is a 500 naming the key, on get and on list", async () => {
  await start(config(aescbc("key1", k1)));
  await call("POST", "/api/v1/namespaces/default/secrets", secret);
  await stop();

  await start(config(aescbc("key2", k2)));
  for (const path of ["/api/v1/namespaces/default/secrets/db-pass", "/api/v1/namespaces/default/secrets"]) {
    const res = await call("GET", path);
    expect(res.status).toBe(500);
    const status = (await res.json()) as { reason: string; message: string };
    expect(status.reason).toBe("InternalError");
    expect(status.message).toContain(
      `Internal error occurred: unable to transform key "${secretKey}": no matching key was found for the provided AES transformer`,
    );
    expect(status.message).toContain("--encryption-provider-config");
  }
  await stop();

  // Without any configuration for secrets, the identity reader cannot read it either.
  await start({ resources: [{ resources: ["configmaps"], providers: [{ identity: {} }] }] });
  const res = await call("GET", "/api/v1/namespaces/default/secrets/db-pass");
  expect(res.status).toBe(500);
});
