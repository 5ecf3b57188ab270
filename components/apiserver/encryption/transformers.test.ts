// The value transformers against independent implementations (openssl for AES-CBC, WebCrypto for
// AES-GCM) and upstream's prefix rules: rotation, identity-first reads, and the error texts.
import { describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { aesCbcTransformer, aesGcmTransformer } from "./aes-transformers.ts";
import { transformersFor } from "./encryption-transformers.ts";
import { secretboxTransformer } from "./secretbox-transformer.ts";
import { bytesOf, identityTransformer, prefixTransformers } from "./value-transformer.ts";

const key32 = new Uint8Array(randomBytes(32));
const storageKey = new Uint8Array(Buffer.from("/registry/secrets/default/s1"));
const plain = bytesOf('{"kind":"Secret","apiVersion":"v1","data":{"a":"Yg=="}}');
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("aescbc", () => {
  test("writes IV + PKCS#7 CBC that openssl decrypts, and reads it back", () => {
    const t = aesCbcTransformer(key32);
    const stored = t.toStorage(plain, storageKey);
    expect(stored.length).toBe(16 + Math.ceil((plain.length + 1) / 16) * 16);
    const openssl = Bun.spawnSync(
      ["openssl", "enc", "-d", "-aes-256-cbc", "-K", hex(key32), "-iv", hex(stored.subarray(0, 16))],
      { stdin: stored.subarray(16) },
    );
    expect(openssl.exitCode).toBe(0);
    expect(new TextDecoder().decode(openssl.stdout)).toBe(new TextDecoder().decode(plain));
    expect(t.fromStorage(stored, storageKey).data).toEqual(plain);
  });

  test("reads what openssl wrote; a wrong key is a padding error", () => {
    // Fixed key, IV and text, so the wrong key's garbage never happens to end in valid padding.
    const key = new Uint8Array(32).fill(1);
    const iv = new Uint8Array(16).fill(3);
    const openssl = Bun.spawnSync(["openssl", "enc", "-aes-256-cbc", "-K", hex(key), "-iv", hex(iv)], {
      stdin: plain,
    });
    const stored = new Uint8Array([...iv, ...openssl.stdout]);
    expect(aesCbcTransformer(key).fromStorage(stored, storageKey).data).toEqual(plain);
    const other = aesCbcTransformer(new Uint8Array(32).fill(2));
    expect(() => other.fromStorage(stored, storageKey)).toThrow(/padding|PKCS7/);
    expect(() => other.fromStorage(stored.subarray(0, 20), storageKey)).toThrow(
      "the stored data is not a multiple of the block size",
    );
  });
});

describe("aesgcm", () => {
  test("nonce + ciphertext + tag with the storage key as authenticated data, as WebCrypto reads it", async () => {
    const t = aesGcmTransformer(key32);
    const stored = t.toStorage(plain, storageKey);
    const cryptoKey = await crypto.subtle.importKey("raw", key32, "AES-GCM", false, ["decrypt"]);
    const opened = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: stored.slice(0, 12), additionalData: storageKey.slice() },
      cryptoKey,
      stored.slice(12),
    );
    expect(new Uint8Array(opened) as Uint8Array).toEqual(plain);
    expect(t.fromStorage(stored, storageKey).data).toEqual(plain);
  });

  test("a value moved to another key does not decrypt", () => {
    const t = aesGcmTransformer(key32);
    const stored = t.toStorage(plain, storageKey);
    expect(() => t.fromStorage(stored, bytesOf("/registry/secrets/default/s2"))).toThrow(
      "cipher: message authentication failed",
    );
  });
});

test("secretbox: round trip, 24-byte nonce first, tampering detected", () => {
  const t = secretboxTransformer(key32);
  const stored = t.toStorage(plain, storageKey);
  expect(stored.length).toBe(24 + 16 + plain.length);
  expect(t.fromStorage(stored, storageKey).data).toEqual(plain);
  stored[30] = (stored[30] ?? 0) ^ 1;
  expect(() => t.fromStorage(stored, storageKey)).toThrow("output array was not large enough for encryption");
  expect(() => secretboxTransformer(new Uint8Array(16))).toThrow("expected key size 32");
});

test("identity refuses encrypted data; prefix transformers write with the first and read by prefix", () => {
  expect(() => identityTransformer.fromStorage(bytesOf("k8s:enc:aescbc:v1:k:xx"), storageKey)).toThrow(
    "identity transformer tried to read encrypted data",
  );
  const a = { prefix: bytesOf("k8s:enc:a:"), transformer: aesCbcTransformer(key32) };
  const b = { prefix: bytesOf("k8s:enc:b:"), transformer: secretboxTransformer(key32) };
  const ab = prefixTransformers("no matching prefix found", [a, b]);
  const ba = prefixTransformers("no matching prefix found", [b, a]);
  const written = ab.toStorage(plain, storageKey);
  expect(new TextDecoder().decode(written.subarray(0, 10))).toBe("k8s:enc:a:");
  expect(ba.fromStorage(written, storageKey)).toEqual({ data: plain, stale: true });
  expect(ab.fromStorage(written, storageKey)).toEqual({ data: plain, stale: false });
  expect(() => ba.fromStorage(bytesOf("k8s:enc:c:zzz"), storageKey)).toThrow("no matching prefix found");
  // identity first: plain data reads as it is (fresh), encrypted data falls through to the next (stale).
  const identity = { prefix: new Uint8Array(0), transformer: identityTransformer };
  const decrypting = prefixTransformers("no matching prefix found", [identity, a]);
  expect(decrypting.fromStorage(plain, storageKey)).toEqual({ data: plain, stale: false });
  expect(decrypting.fromStorage(written, storageKey)).toEqual({ data: plain, stale: true });
  expect(decrypting.toStorage(plain, storageKey)).toEqual(plain);
});

const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");

test("a config: exact resources, *.<group> and *.* pick the transformer by storage key", () => {
  const cbc = (name: string) => ({ aescbc: { keys: [{ name, secret: b64(key32) }] } });
  const forKey = transformersFor({
    resources: [
      { resources: ["secrets", "deployments.apps"], providers: [cbc("k1"), { identity: {} }] },
      { resources: ["*.batch"], providers: [cbc("k2")] },
      { resources: ["widgets.example.com"], providers: [cbc("k3")] },
    ],
  });
  const prefixOf = (key: string) => {
    const t = forKey(key);
    return t && new TextDecoder().decode(t.toStorage(plain, bytesOf(key)).subarray(0, 21));
  };
  expect(prefixOf("/registry/secrets/default/x")).toBe("k8s:enc:aescbc:v1:k1:");
  expect(prefixOf("/registry/deployments/default/x")).toBe("k8s:enc:aescbc:v1:k1:");
  expect(prefixOf("/registry/jobs/default/x")).toBe("k8s:enc:aescbc:v1:k2:");
  expect(prefixOf("/registry/example.com/widgets/default/x")).toBe("k8s:enc:aescbc:v1:k3:");
  expect(forKey("/registry/configmaps/default/x")).toBeUndefined();
  expect(forKey("/registry/secretsx/default/x")).toBeUndefined();
  expect(forKey("/registry/ranges/serviceips")).toBeUndefined();
  const all = transformersFor({ resources: [{ resources: ["*.*"], providers: [cbc("k")] }] });
  expect(all("/registry/configmaps/default/x")).toBeDefined();
  expect(all("/registry/services/specs/default/x")).toBeDefined();
});
