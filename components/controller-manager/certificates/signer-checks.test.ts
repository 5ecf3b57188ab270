// The per-signer checks: kubelet serving and client subjects, SANs and usages, the apiserver
// client signer's usages, and signers kube does not run.
import { expect, test } from "bun:test";
import type { CertificateRequestInfo } from "../../../lib/pki/parse-csr.ts";
import {
  checkRequestForSigner,
  KUBE_APISERVER_CLIENT,
  KUBELET_CLIENT,
  KUBELET_SERVING,
} from "./signer-checks.ts";

const req = (over: Partial<CertificateRequestInfo>): CertificateRequestInfo => ({
  commonName: "system:node:n1",
  organizations: ["system:nodes"],
  subjectDer: new Uint8Array(),
  publicKeyDer: new Uint8Array(),
  publicKeyType: "ec",
  dnsNames: [],
  ipAddresses: [],
  emailAddresses: [],
  uris: [],
  signatureValid: true,
  ...over,
});

test("kubelet-serving: system:nodes, a DNS or IP SAN, serving usages, a node name", () => {
  const ok = req({ dnsNames: ["n1"] });
  expect(checkRequestForSigner(KUBELET_SERVING, ok, ["digital signature", "server auth"])).toEqual({
    recognized: true,
  });
  expect(
    checkRequestForSigner(KUBELET_SERVING, ok, ["key encipherment", "digital signature", "server auth"])
      .problem,
  ).toBeUndefined();
  expect(checkRequestForSigner(KUBELET_SERVING, req({}), ["digital signature", "server auth"]).problem).toBe(
    "DNS or IP subjectAltName is required",
  );
  expect(checkRequestForSigner(KUBELET_SERVING, ok, ["client auth"]).problem).toBe(
    "usages did not match [digital signature key encipherment server auth]",
  );
  expect(
    checkRequestForSigner(KUBELET_SERVING, req({ dnsNames: ["n1"], commonName: "n1" }), [
      "digital signature",
      "server auth",
    ]).problem,
  ).toBe("subject common name does not begin with system:node:");
  expect(
    checkRequestForSigner(KUBELET_SERVING, req({ ipAddresses: ["10.0.0.1"], emailAddresses: ["a@b"] }), [
      "digital signature",
      "server auth",
    ]).problem,
  ).toBe("Email subjectAltNames are not allowed");
});

test("kube-apiserver-client-kubelet: no SANs, client usages", () => {
  expect(
    checkRequestForSigner(KUBELET_CLIENT, req({}), ["digital signature", "client auth"]).problem,
  ).toBeUndefined();
  expect(
    checkRequestForSigner(KUBELET_CLIENT, req({ organizations: ["system:nodes", "x"] }), ["client auth"])
      .problem,
  ).toBe("subject organization is not system:nodes");
  expect(
    checkRequestForSigner(KUBELET_CLIENT, req({ ipAddresses: ["10.0.0.1"] }), ["client auth"]).problem,
  ).toBe("IP subjectAltNames are not allowed");
  expect(checkRequestForSigner(KUBELET_CLIENT, req({}), ["client auth"]).problem).toBe(
    "usages did not match [client auth digital signature key encipherment]",
  );
});

test("kube-apiserver-client: client auth required, nothing but signature and encipherment beside it", () => {
  const any = req({ commonName: "jane", organizations: [] });
  expect(checkRequestForSigner(KUBE_APISERVER_CLIENT, any, ["client auth"]).problem).toBeUndefined();
  expect(checkRequestForSigner(KUBE_APISERVER_CLIENT, any, ["server auth", "client auth"]).problem).toBe(
    "invalid usage for client certificate: server auth",
  );
  expect(checkRequestForSigner(KUBE_APISERVER_CLIENT, any, ["digital signature"]).problem).toBe(
    "missing required usage for client certificate: client auth",
  );
  expect(checkRequestForSigner("example.com/other", any, ["client auth"])).toEqual({ recognized: false });
});
