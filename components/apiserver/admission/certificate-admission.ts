// The CertificateApproval and CertificateSigning admission plugins: approving or denying a CSR
// (its /approval subresource) needs `approve`, and setting its certificate (/status) needs
// `sign`, on certificates.k8s.io `signers` named after the signerName or `<domain>/*`.
// Upstream: plugin/pkg/admission/certificates/{approval,signing} and certificates.IsAuthorizedForSignerName.
import { StatusError } from "../../../lib/errors/status-error.ts";
import type { UserInfo } from "../authn/user-info.ts";
import type { Authorizer } from "../authz/authorizer.ts";
import type { KObject, Stored } from "../registry/object.ts";
import type { Admission } from "./admission-interface.ts";

const GROUP = "certificates.k8s.io";

async function authorizedForSigner(authorizer: Authorizer, user: UserInfo, verb: string, signerName: string) {
  const ask = async (name: string) =>
    (
      await authorizer.authorize({
        user,
        verb,
        isResourceRequest: true,
        path: "",
        apiGroup: GROUP,
        apiVersion: "*",
        namespace: "",
        resource: "signers",
        subresource: "",
        name,
      })
    ).decision === "allow";
  if (await ask(signerName)) return true;
  const slash = signerName.indexOf("/");
  return slash > 0 && (await ask(`${signerName.slice(0, slash)}/*`));
}

const signerOf = (obj: KObject) =>
  String((obj.spec as { signerName?: unknown } | undefined)?.signerName ?? "");
const certificateOf = (obj: KObject) =>
  (obj.status as { certificate?: unknown } | undefined)?.certificate ?? "";

async function check(
  authorizer: Authorizer,
  obj: KObject,
  old: Stored,
  subresource: string,
  user?: UserInfo,
) {
  if (!user) return; // the apiserver's own writes
  const signer = signerOf(obj);
  const forbid = (why: string) =>
    StatusError.forbidden(
      { group: GROUP, resource: "certificatesigningrequests" },
      obj.metadata?.name ?? "",
      why,
    );
  if (subresource === "approval" && !(await authorizedForSigner(authorizer, user, "approve", signer)))
    throw forbid(`user not permitted to approve requests with signerName ${JSON.stringify(signer)}`);
  if (
    subresource === "status" &&
    certificateOf(obj) !== certificateOf(old) &&
    !(await authorizedForSigner(authorizer, user, "sign", signer))
  )
    throw forbid(`user not permitted to sign requests with signerName ${JSON.stringify(signer)}`);
}

/** `inner` with the two certificate plugins in front of its updates of CSRs. */
export function withCertificateChecks(inner: Admission, authorizer: Authorizer): Admission {
  return {
    create: (entry, obj, attrs) => inner.create(entry, obj, attrs),
    async update(entry, obj, old, attrs) {
      if (entry.info.group === GROUP && entry.info.plural === "certificatesigningrequests")
        await check(authorizer, obj, old, attrs.subresource, attrs.user);
      await inner.update(entry, obj, old, attrs);
    },
    ...(inner.validateDelete ? { validateDelete: inner.validateDelete.bind(inner) } : {}),
    deleted: (entry, obj) => inner.deleted(entry, obj),
  };
}
