// The review kinds kubectl creates: SelfSubjectAccessReview (`auth can-i`),
// SelfSubjectRulesReview (`auth can-i --list`) and SubjectAccessReview. Until authentication
// and RBAC arrive (a later issue), every caller of the insecure port may do everything, and the
// answers say exactly that.
import { StatusError } from "../../../lib/errors/status-error.ts";
import type { ResourceRequest } from "../handlers/context.ts";
import { decodeObjectBody, mediaType, readBody } from "../http/body.ts";
import { json } from "../http/respond.ts";
import { createTokenReview } from "./token-review.ts";

const REASON = "the insecure port serves every request without authorization";

export async function createReview(r: ResourceRequest): Promise<Response> {
  const body = decodeObjectBody(await readBody(r.req), mediaType(r.req), r.ctx.protobuf);
  const kind = r.entry.info.kind;
  const apiVersion = `${r.entry.info.group}/${r.entry.info.version}`;
  const spec = (body.spec ?? {}) as Record<string, unknown>;
  const base = { kind, apiVersion, metadata: { creationTimestamp: null }, spec };
  switch (kind) {
    case "SelfSubjectAccessReview":
    case "SubjectAccessReview":
    case "LocalSubjectAccessReview":
      if (!spec.resourceAttributes && !spec.nonResourceAttributes) {
        throw StatusError.invalid({ group: r.entry.info.group, kind }, "", [
          {
            reason: "FieldValueRequired",
            field: "spec.resourceAttributes",
            message:
              "Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified",
          },
        ]);
      }
      return json({ ...base, status: { allowed: true, reason: REASON } }, 201);
    case "SelfSubjectRulesReview":
      return json(
        {
          ...base,
          status: {
            resourceRules: [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }],
            nonResourceRules: [{ verbs: ["*"], nonResourceURLs: ["*"] }],
            incomplete: false,
          },
        },
        201,
      );
    case "SelfSubjectReview":
      return json(
        {
          ...base,
          status: {
            userInfo: { username: "system:unsecured", groups: ["system:masters", "system:authenticated"] },
          },
        },
        201,
      );
    case "TokenReview":
      return await createTokenReview(r, body);
    default:
      throw StatusError.of(
        501,
        "NotImplemented",
        `${kind} needs authentication, which kube serves from a later issue (secure serving with tokens)`,
      );
  }
}
