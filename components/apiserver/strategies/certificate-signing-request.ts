// The CertificateSigningRequest strategy (certificates.k8s.io/v1): the requester stamped from the
// authenticated user, spec immutable, approval conditions only through /approval, the certificate
// only through /status. Upstream: pkg/registry/certificates/certificates/strategy.go and
// pkg/apis/certificates/validation/validation.go.
import { X509Certificate } from "node:crypto";
import { type StatusCause, StatusError } from "../../../lib/errors/status-error.ts";
import { parseCsrPem } from "../../../lib/pki/parse-csr.ts";
import { pemDecode } from "../../../lib/pki/pem.ts";
import type { KObject, Stored } from "../registry/object.ts";
import type { Strategy, StrategyContext } from "../registry/strategy.ts";
import { duplicate, forbidden, invalid, notSupported, required } from "../validation/field-errors.ts";
import { invalidShown } from "../validation/field-errors-extra.ts";
import { isObject, type JsonObject } from "../validation/json.ts";
import { validateSignerName } from "../validation/signer-name.ts";
import { rbacName } from "./rbac.ts";

interface Condition {
  type?: string;
  status?: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
  [key: string]: unknown;
}

const USAGES = [
  "any",
  "cert sign",
  "client auth",
  "code signing",
  "content commitment",
  "crl sign",
  "data encipherment",
  "decipher only",
  "digital signature",
  "email protection",
  "encipher only",
  "ipsec end system",
  "ipsec tunnel",
  "ipsec user",
  "key agreement",
  "key encipherment",
  "microsoft sgc",
  "netscape sgc",
  "ocsp signing",
  "s/mime",
  "server auth",
  "signing",
  "timestamping",
];
const TRUE_ONLY = new Set(["Approved", "Denied", "Failed"]);

const specOf = (obj: KObject): JsonObject => (isObject(obj.spec) ? obj.spec : {});
const statusOf = (obj: KObject): JsonObject => (isObject(obj.status) ? obj.status : {});
const conditionsOf = (obj: KObject): Condition[] => {
  const c = statusOf(obj).conditions;
  return Array.isArray(c) ? (c.filter(isObject) as Condition[]) : [];
};

const text = new TextDecoder();
const CANONICAL_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Go's %#v of a []byte: `[]byte{0x2d, 0x2d}`. */
function goBytes(bytes: Uint8Array): string {
  return `[]byte{${[...bytes].map((b) => `0x${b.toString(16)}`).join(", ")}}`;
}

/** A []byte field as JSON carries it (standard base64); Go's decoder error when it is not. */
function decodeBytesField(kind: string, value: unknown): Uint8Array {
  if (value === undefined || value === null) return new Uint8Array();
  const bad = (detail: string) =>
    StatusError.badRequest(`${kind} in version "v1" cannot be handled as a ${kind}: ${detail}`);
  if (typeof value !== "string") throw bad("bytes must be a base64-encoded string");
  if (!CANONICAL_BASE64.test(value)) {
    const at = value.search(/[^A-Za-z0-9+/]/);
    throw bad(`illegal base64 data at input byte ${at < 0 ? value.length - (value.length % 4) : at}`);
  }
  return new Uint8Array(Buffer.from(value, "base64"));
}

function validateRequest(obj: KObject): StatusCause[] {
  const spec = specOf(obj);
  const request = decodeBytesField("CertificateSigningRequest", spec.request);
  const out: StatusCause[] = [];
  let masters = false;
  try {
    const csr = parseCsrPem(text.decode(request));
    if (!csr.signatureValid)
      throw new Error(
        csr.publicKeyType === "rsa" ? "crypto/rsa: verification error" : "x509: ECDSA verification failure",
      );
    masters = csr.organizations.includes("system:masters");
  } catch (err) {
    out.push(invalidShown("spec.request", goBytes(request), (err as Error).message));
  }
  const usages = Array.isArray(spec.usages) ? spec.usages : [];
  if (usages.length === 0) out.push(required("spec.usages"));
  const seen = new Set<unknown>();
  usages.forEach((u, i) => {
    if (typeof u !== "string" || !USAGES.includes(u)) out.push(notSupported(`spec.usages[${i}]`, u, USAGES));
    if (seen.has(u)) out.push(duplicate(`spec.usages[${i}]`, u));
    seen.add(u);
  });
  if (spec.signerName === "kubernetes.io/legacy-unknown")
    out.push(
      invalid(
        "spec.signerName",
        spec.signerName,
        "the legacy signerName is not allowed via this API version",
      ),
    );
  else out.push(...validateSignerName("spec.signerName", spec.signerName));
  const exp = spec.expirationSeconds;
  if (exp !== undefined && exp !== null && (typeof exp !== "number" || exp < 600))
    out.push(
      invalid("spec.expirationSeconds", exp, "may not specify a duration less than 600 seconds (10 minutes)"),
    );
  out.push(...validateConditions(obj));
  // upstream's CertificateSubjectRestriction admission: no system:masters through this signer.
  if (out.length === 0 && masters && spec.signerName === "kubernetes.io/kube-apiserver-client") {
    throw StatusError.forbidden(
      { group: "certificates.k8s.io", resource: "certificatesigningrequests" },
      obj.metadata?.name ?? "",
      "use of kubernetes.io/kube-apiserver-client signer with system:masters group is not allowed",
    );
  }
  return out;
}

function validateConditions(obj: KObject): StatusCause[] {
  const out: StatusCause[] = [];
  const seen = new Set<string>();
  let approved = false;
  let denied = false;
  conditionsOf(obj).forEach((c, i) => {
    const at = `status.conditions[${i}]`;
    if (!c.type) out.push(required(`${at}.type`));
    const allowed = TRUE_ONLY.has(c.type ?? "") ? ["True"] : ["False", "True", "Unknown"];
    if (!c.status) out.push(required(`${at}.status`));
    else if (!allowed.includes(c.status)) out.push(notSupported(`${at}.status`, c.status, allowed));
    if (c.type === "Approved") approved = true;
    if (c.type === "Denied") denied = true;
    if ((c.type === "Approved" && denied) || (c.type === "Denied" && approved))
      out.push(invalid("status.conditions", c.type, "Approved and Denied conditions are mutually exclusive"));
    if (c.type && seen.has(c.type)) out.push(duplicate(`${at}.type`, c.type));
    if (c.type) seen.add(c.type);
  });
  return out;
}

/** validateCertificate: only CERTIFICATE blocks, each a parseable certificate, at least one. */
function certificateProblem(pem: string): string | undefined {
  let blocks: ReturnType<typeof pemDecode>;
  try {
    blocks = pemDecode(pem);
  } catch {
    return "must contain at least one CERTIFICATE PEM block";
  }
  if (blocks.length === 0) return "must contain at least one CERTIFICATE PEM block";
  for (const b of blocks) {
    if (b.label !== "CERTIFICATE")
      return `only CERTIFICATE PEM blocks are allowed, found ${JSON.stringify(b.label)}`;
    try {
      new X509Certificate(b.der);
    } catch {
      return "x509: malformed certificate";
    }
  }
  return undefined;
}

/** Conditions without timestamps get now; an unchanged type/status keeps its transition time. */
function populateConditionTimestamps(obj: KObject, old: Stored, now: Date): void {
  const stamp = now.toISOString().replace(/\.\d+Z$/, "Z");
  const before = conditionsOf(old);
  for (const c of conditionsOf(obj)) {
    if (!c.lastUpdateTime) c.lastUpdateTime = stamp;
    if (!c.lastTransitionTime) {
      const same = before.find((o) => o.type === c.type && o.status === c.status && o.lastTransitionTime);
      c.lastTransitionTime = same?.lastTransitionTime ?? stamp;
    }
  }
}

/** What an update through `subresource` may not do to conditions and the certificate. */
function updateProblems(obj: KObject, old: Stored, subresource: string): StatusCause[] {
  const out: StatusCause[] = [];
  const of = (o: KObject, t: string) => conditionsOf(o).filter((c) => c.type === t);
  for (const t of ["Approved", "Denied", "Failed"]) {
    if (of(obj, t).length < of(old, t).length)
      out.push(
        forbidden("status.conditions", `updates may not remove a condition of type ${JSON.stringify(t)}`),
      );
  }
  if (subresource !== "approval") {
    for (const t of ["Approved", "Denied"]) {
      const [a, b] = [of(old, t), of(obj, t)];
      if (b.length > a.length)
        out.push(
          forbidden("status.conditions", `updates may not add a condition of type ${JSON.stringify(t)}`),
        );
      else if (b.length === a.length && JSON.stringify(a) !== JSON.stringify(b))
        out.push(
          forbidden("status.conditions", `updates may not modify a condition of type ${JSON.stringify(t)}`),
        );
    }
  }
  const cert = statusOf(obj).certificate;
  const oldCert = statusOf(old).certificate;
  if ((cert ?? "") !== (oldCert ?? "")) {
    if (subresource !== "status")
      out.push(forbidden("status.certificate", "updates may not set certificate content"));
    else if (oldCert)
      out.push(forbidden("status.certificate", "updates may not modify existing certificate content"));
    else {
      const problem = certificateProblem(text.decode(decodeBytesField("CertificateSigningRequest", cert)));
      if (problem) out.push(invalidShown("status.certificate", '"<certificate data>"', problem));
    }
  }
  return out;
}

export const certificateSigningRequestStrategy: Strategy = {
  validateName: rbacName,
  prepareForCreate(obj: KObject, ctx: StrategyContext) {
    const spec = specOf(obj);
    delete spec.username;
    delete spec.uid;
    delete spec.groups;
    delete spec.extra;
    if (ctx.user) {
      spec.username = ctx.user.username;
      if (ctx.user.uid) spec.uid = ctx.user.uid;
      spec.groups = [...ctx.user.groups];
      if (ctx.user.extra && Object.keys(ctx.user.extra).length > 0)
        spec.extra = structuredClone(ctx.user.extra);
    }
    obj.spec = spec;
    // Users cannot create pre-approved requests.
    obj.status = {};
  },
  subresourceUpdate(next: KObject, old: Stored, subresource: string) {
    if (subresource !== "approval") return undefined;
    const out = structuredClone(old) as KObject;
    const conditions = statusOf(next).conditions;
    out.status = { ...statusOf(out), conditions: structuredClone(conditions ?? []) };
    return out;
  },
  prepareForUpdate(obj: KObject, old: Stored, ctx: StrategyContext) {
    obj.spec = structuredClone(old.spec);
    if (ctx.subresource !== "") populateConditionTimestamps(obj, old, ctx.now);
    const problems = updateProblems(obj, old, ctx.subresource);
    if (problems.length > 0)
      throw StatusError.invalid(
        { group: "certificates.k8s.io", kind: "CertificateSigningRequest" },
        obj.metadata?.name ?? "",
        problems,
      );
  },
  validate: validateRequest,
  fields: (obj) => ({ "spec.signerName": String(specOf(obj).signerName ?? "") }),
};
