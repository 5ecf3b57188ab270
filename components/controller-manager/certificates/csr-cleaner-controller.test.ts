// csrcleaner over fake informers and a fixed clock: issued, denied and failed CSRs go an hour
// after the decision, pending ones after a day, expired certificates at once; others stay.
import { afterEach, expect, test } from "bun:test";
import type { CertificateSigningRequest } from "kubernetes-types/certificates/v1";
import { createCertificateAuthority, issueCertificate } from "../../../lib/pki/issue-certificate.ts";
import { generatePrivateKey } from "../../../lib/pki/private-key.ts";
import {
  type TestControllerContext,
  testControllerContext,
} from "../common/testing/test-controller-context.ts";
import { cleanupDue, startCsrCleanerController } from "./csr-cleaner-controller.ts";

const NOW = new Date("2026-03-01T12:00:00Z");
let t: TestControllerContext;
afterEach(() => t?.close());

const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString().replace(/\.\d+Z$/, "Z");
const csr = (
  name: string,
  created: string,
  status: CertificateSigningRequest["status"] = {},
): CertificateSigningRequest => ({
  apiVersion: "certificates.k8s.io/v1",
  kind: "CertificateSigningRequest",
  metadata: { name, uid: `uid-${name}`, creationTimestamp: created },
  spec: { request: "", signerName: "example.com/x", usages: ["client auth"] },
  status,
});
const cond = (type: string, at: string) => ({ type, status: "True", lastUpdateTime: at });

test("which CSRs are deleted now", async () => {
  const ca = await createCertificateAuthority({ commonName: "kt", key: await generatePrivateKey() });
  const key = await generatePrivateKey();
  const expired = await issueCertificate({
    ca,
    key,
    commonName: "x",
    usage: "client",
    validityDays: 1,
    now: new Date(NOW.getTime() - 3 * 86400_000),
  });
  const fresh = await issueCertificate({
    ca,
    key,
    commonName: "x",
    usage: "client",
    validityDays: 30,
    now: NOW,
  });
  const b64 = (s: string) => Buffer.from(s).toString("base64");
  t = testControllerContext({ now: NOW });
  t.api.seed(
    "/apis/certificates.k8s.io/v1/certificatesigningrequests",
    csr("issued-old", ago(3 * 3600_000), {
      conditions: [cond("Approved", ago(2 * 3600_000))],
      certificate: b64(fresh),
    }),
    csr("issued-new", ago(3 * 3600_000), {
      conditions: [cond("Approved", ago(60_000))],
      certificate: b64(fresh),
    }),
    csr("expired", ago(60_000), { conditions: [cond("Approved", ago(60_000))], certificate: b64(expired) }),
    csr("denied-old", ago(3 * 3600_000), { conditions: [cond("Denied", ago(2 * 3600_000))] }),
    csr("failed-old", ago(3 * 3600_000), {
      conditions: [cond("Approved", ago(2 * 3600_000)), cond("Failed", ago(2 * 3600_000))],
    }),
    csr("pending-old", ago(25 * 3600_000)),
    csr("pending-new", ago(3600_000)),
  );
  const controller = startCsrCleanerController(t.context);
  await t.synced();
  for (const name of [
    "issued-old",
    "issued-new",
    "expired",
    "denied-old",
    "failed-old",
    "pending-old",
    "pending-new",
  ])
    await controller.sync(name);
  const deleted = t.api.actions
    .filter((a) => a.verb === "delete")
    .map((a) => a.name)
    .sort();
  expect(deleted).toEqual(["denied-old", "expired", "failed-old", "issued-old", "pending-old"]);
  await controller.stop();
  expect(cleanupDue(csr("x", ago(0)))).toBe(NOW.getTime() + 24 * 3600_000);
});
