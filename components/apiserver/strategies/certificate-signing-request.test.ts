// The CSR strategy without a server: the requester stamped from the user, status reset on create,
// spec immutable, what /approval and /status may change, and the request/usages/signer checks.
import { expect, test } from "bun:test";
import { generateKeyPairSync } from "node:crypto";
import type { KObject, Stored } from "../registry/object.ts";
import { certificateSigningRequestStrategy as s } from "./certificate-signing-request.ts";

const NOW = new Date("2026-01-02T03:04:05Z");

/** A real PKCS#10 request made with openssl for CN=kt. */
function request(): string {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const key = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const r = Bun.spawnSync(["openssl", "req", "-new", "-key", "/dev/stdin", "-subj", "/CN=kt"], {
    stdin: new TextEncoder().encode(key),
  });
  return Buffer.from(r.stdout).toString("base64");
}
const REQ = request();

const csr = (spec: Record<string, unknown> = {}, status?: unknown): KObject => ({
  apiVersion: "certificates.k8s.io/v1",
  kind: "CertificateSigningRequest",
  metadata: { name: "c" },
  spec: { request: REQ, signerName: "example.com/s", usages: ["client auth"], ...spec },
  ...(status ? { status } : {}),
});
const errors = (obj: KObject) => (s.validate?.(obj) ?? []).map((c) => `${c.field}: ${c.message}`);

test("create: the requester comes from the user, never the body; status starts empty", () => {
  const obj = csr(
    { username: "forged", groups: ["system:masters"] },
    { conditions: [{ type: "Approved", status: "True" }] },
  );
  s.prepareForCreate?.(obj, {
    now: NOW,
    subresource: "",
    user: { username: "jane", uid: "7", groups: ["dev"] },
  });
  expect(obj.spec).toMatchObject({ username: "jane", uid: "7", groups: ["dev"] });
  expect(obj.status).toEqual({});
  expect(errors(obj)).toEqual([]);
});

test("request, usages, signerName and expirationSeconds are checked", () => {
  expect(errors(csr({ request: Buffer.from("x").toString("base64") }))).toEqual([
    "spec.request: Invalid value: []byte{0x78}: PEM block type must be CERTIFICATE REQUEST",
  ]);
  expect(errors(csr({ usages: [] }))).toEqual(["spec.usages: Required value"]);
  expect(errors(csr({ usages: ["client auth", "client auth"] }))).toEqual([
    'spec.usages[1]: Duplicate value: "client auth"',
  ]);
  expect(errors(csr({ signerName: "Bad/x" }))[0]).toContain(
    'spec.signerName: Invalid value: "Bad": validating label "Bad"',
  );
  expect(errors(csr({ signerName: "local/x" }))).toEqual([
    'spec.signerName: Invalid value: "local": should be a domain with at least two segments separated by dots',
  ]);
  expect(errors(csr({ signerName: "kubernetes.io/legacy-unknown" }))).toEqual([
    'spec.signerName: Invalid value: "kubernetes.io/legacy-unknown": the legacy signerName is not allowed via this API version',
  ]);
  expect(errors(csr({ expirationSeconds: 599 }))).toEqual([
    "spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 600 seconds (10 minutes)",
  ]);
  expect(() => errors(csr({ request: "not base64!" }))).toThrow("illegal base64 data at input byte 3");
});

test("approval: conditions only, timestamps filled, Approved and Denied exclusive, none removed", () => {
  const old = csr() as Stored;
  old.metadata = { name: "c", uid: "u" };
  const sent = csr(
    { signerName: "example.com/other" },
    { conditions: [{ type: "Approved", status: "True" }], certificate: "eA==" },
  );
  const out = s.subresourceUpdate?.(sent, old, "approval") as KObject;
  s.prepareForUpdate?.(out, old, { now: NOW, subresource: "approval" });
  expect((out.spec as { signerName: string }).signerName).toBe("example.com/s");
  expect(out.status).toEqual({
    conditions: [
      {
        type: "Approved",
        status: "True",
        lastUpdateTime: "2026-01-02T03:04:05Z",
        lastTransitionTime: "2026-01-02T03:04:05Z",
      },
    ],
  });
  const both = csr(
    {},
    {
      conditions: [
        { type: "Approved", status: "True" },
        { type: "Denied", status: "True" },
      ],
    },
  );
  expect(errors(both)).toEqual([
    'status.conditions: Invalid value: "Denied": Approved and Denied conditions are mutually exclusive',
  ]);
  const removed = csr({}, { conditions: [] });
  expect(() => s.prepareForUpdate?.(removed, out as Stored, { now: NOW, subresource: "approval" })).toThrow(
    'updates may not remove a condition of type "Approved"',
  );
});

test("status: no approval conditions, a certificate once", () => {
  const old = csr() as Stored;
  const approving = csr({}, { conditions: [{ type: "Approved", status: "True" }] });
  expect(() => s.prepareForUpdate?.(approving, old, { now: NOW, subresource: "status" })).toThrow(
    'updates may not add a condition of type "Approved"',
  );
  const garbage = csr({}, { certificate: Buffer.from("nope").toString("base64") });
  expect(() => s.prepareForUpdate?.(garbage, old, { now: NOW, subresource: "status" })).toThrow(
    'status.certificate: Invalid value: "<certificate data>": must contain at least one CERTIFICATE PEM block',
  );
  const viaMain = csr({}, { certificate: "eA==" });
  expect(() => s.prepareForUpdate?.(viaMain, old, { now: NOW, subresource: "" })).toThrow(
    "updates may not set certificate content",
  );
});
