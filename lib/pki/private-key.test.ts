import { afterAll, describe, expect, test } from "bun:test";
import { sign, verify } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generatePrivateKey, loadPrivateKey } from "./private-key.ts";

const dir = mkdtempSync(join(tmpdir(), "kt-pki-key-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function openssl(...args: string[]): string {
  const r = Bun.spawnSync(["openssl", ...args], { stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`openssl ${args.join(" ")}: ${r.stderr.toString()}`);
  return r.stdout.toString();
}

async function signs(pem: string): Promise<boolean> {
  const key = await loadPrivateKey(pem);
  const data = new TextEncoder().encode("x");
  return verify(key.hash, data, key.publicPem, sign(key.hash, data, key.keyObject));
}

describe("private keys", () => {
  test("generates ECDSA P-256 as PKCS#8", async () => {
    const key = await generatePrivateKey();
    expect(key.pem).toStartWith("-----BEGIN PRIVATE KEY-----");
    expect(key.publicPem).toStartWith("-----BEGIN PUBLIC KEY-----");
    expect([key.type, key.hash]).toEqual(["ec", "sha256"]);
    expect(await signs(key.pem)).toBe(true);
  });
  test("loads the PEM formats openssl writes: PKCS#1 RSA, SEC1 EC, PKCS#8", async () => {
    const rsa1 = join(dir, "rsa1.key");
    openssl("genrsa", "-traditional", "-out", rsa1, "2048");
    const rsa8 = join(dir, "rsa8.key");
    openssl("genrsa", "-out", rsa8, "2048");
    const ec = join(dir, "ec.key");
    openssl("ecparam", "-name", "secp384r1", "-genkey", "-noout", "-out", ec);
    const pems = [rsa1, rsa8, ec].map((f) => readFileSync(f, "utf8"));
    expect(pems[0]).toStartWith("-----BEGIN RSA PRIVATE KEY-----");
    expect(pems[2]).toStartWith("-----BEGIN EC PRIVATE KEY-----");
    for (const pem of pems) expect(await signs(pem)).toBe(true);
    expect((await loadPrivateKey(pems[0] as string)).type).toBe("rsa");
    const p384 = await loadPrivateKey(pems[2] as string);
    expect([p384.type, p384.hash]).toEqual(["ec", "sha384"]);
    // Loaded keys are stored as PKCS#8 whatever they came in as.
    expect((await loadPrivateKey(pems[0] as string)).pem).toStartWith("-----BEGIN PRIVATE KEY-----");
  });
  test("bad input is an error naming the problem", async () => {
    await expect(loadPrivateKey("not a key")).rejects.toThrow("failed to parse private key");
    const ed = join(dir, "ed.key");
    openssl("genpkey", "-algorithm", "ed25519", "-out", ed);
    await expect(loadPrivateKey(readFileSync(ed, "utf8"))).rejects.toThrow(
      "unsupported private key type ed25519",
    );
  });
});
