import { beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import {
  type CertificateAuthority,
  createCertificateAuthority,
  issueCertificate,
} from "../../../lib/pki/issue-certificate.ts";
import { certificatesFromPem } from "../../../lib/pki/pem.ts";
import { generatePrivateKey } from "../../../lib/pki/private-key.ts";
import { contextOf } from "../filters/request-context.ts";
import { X509Authenticator } from "./x509-authenticator.ts";

const NOW = new Date("2026-12-07T04:00:00Z");
let ca: CertificateAuthority;
let client: Uint8Array;
let server: Uint8Array;
let expired: Uint8Array;

async function leaf(
  commonName: string,
  usage: "client" | "server",
  now = NOW,
  organizations = ["system:nodes", "ops"],
) {
  const pem = await issueCertificate({
    ca,
    key: await generatePrivateKey(),
    commonName,
    organizations,
    usage,
    now,
  });
  return certificatesFromPem(pem)[0] as Uint8Array;
}

beforeAll(async () => {
  ca = await createCertificateAuthority({ commonName: "kt-ca", key: await generatePrivateKey(), now: NOW });
  client = await leaf("system:node:n1", "client");
  server = await leaf("kube-apiserver", "server");
  expired = await leaf("old", "client", new Date("2024-01-01T00:00:00Z"));
});

function request(der: Uint8Array | undefined, authorized: boolean, authorizationError?: string): Request {
  const req = new Request("https://kube/api");
  if (der)
    contextOf(req).peer = { chain: [der], authorized, ...(authorizationError ? { authorizationError } : {}) };
  return req;
}

describe("X509Authenticator", () => {
  const a = new X509Authenticator(() => NOW);

  test("a verified client certificate: CN is the user, O the groups, the fingerprint the credential id", () => {
    expect(a.authenticate(request(client, true))).toEqual({
      kind: "ok",
      user: {
        username: "system:node:n1",
        groups: ["system:nodes", "ops"],
        extra: {
          "authentication.kubernetes.io/credential-id": [
            `X509SHA256=${createHash("sha256").update(client).digest("hex")}`,
          ],
        },
      },
    });
  });

  test("no certificate: no opinion", () => {
    expect(a.authenticate(request(undefined, false))).toEqual({ kind: "none" });
  });

  test("a foreign certificate is upstream's verify error naming SN, SKID and AKID", () => {
    const r = a.authenticate(request(client, false, "UNABLE_TO_VERIFY_LEAF_SIGNATURE"));
    expect(r.kind).toBe("error");
    const message = r.kind === "error" ? r.message : "";
    expect(message).toMatch(
      /^verifying certificate SN=\d+, SKID=(([0-9A-F]{2}:)*[0-9A-F]{2})?, AKID=([0-9A-F]{2}:)+[0-9A-F]{2} failed: x509: certificate signed by unknown authority$/,
    );
  });

  test("expired, even on a connection the TLS stack accepted earlier", () => {
    const r = a.authenticate(request(expired, true));
    expect(r).toMatchObject({ kind: "error" });
    expect(r.kind === "error" && r.message).toContain(
      "failed: x509: certificate has expired or is not yet valid: current time 2026-12-07T04:00:00Z is after 2024-12-31T00:00:00Z",
    );
    const byTls = a.authenticate(request(expired, false, "CERT_HAS_EXPIRED"));
    expect(byTls.kind === "error" && byTls.message).toContain("is after 2024-12-31T00:00:00Z");
  });

  test("a server-only certificate cannot authenticate a client", () => {
    const r = a.authenticate(request(server, true));
    expect(r.kind === "error" && r.message).toEndWith(
      "failed: x509: certificate specifies an incompatible key usage",
    );
  });

  test("garbage DER is an error, not a crash", () => {
    const r = a.authenticate(request(new Uint8Array([1, 2, 3]), true));
    expect(r.kind).toBe("error");
  });

  test("a connection's certificate is parsed once, yet its validity is checked on every request", () => {
    let now = NOW;
    const clock = new X509Authenticator(() => now);
    const conn = request(client, true);
    const peer = contextOf(conn).peer;
    expect(clock.authenticate(conn).kind).toBe("ok");
    // The next request on the same connection carries the same peer object (the front keeps it).
    const later = new Request("https://kube/api");
    if (peer) contextOf(later).peer = peer;
    now = new Date("2030-01-01T00:00:00Z");
    const r = clock.authenticate(later);
    expect(r.kind === "error" && r.message).toContain("x509: certificate has expired or is not yet valid");
    // Another connection's certificate is its own.
    now = NOW;
    expect(clock.authenticate(request(server, true)).kind).toBe("error");
    expect(clock.authenticate(later).kind).toBe("ok");
    const garbage = new Uint8Array([1, 2, 3]);
    expect(clock.authenticate(request(garbage, true))).toEqual(clock.authenticate(request(garbage, true)));
  });
});
