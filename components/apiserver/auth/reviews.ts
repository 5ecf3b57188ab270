// The review kinds: SubjectAccessReview, LocalSubjectAccessReview, SelfSubjectAccessReview
// (`kubectl auth can-i`), SelfSubjectRulesReview (`can-i --list`), SelfSubjectReview (`auth
// whoami`) and TokenReview, answered from the apiserver's authorizer. Upstream:
// pkg/registry/authorization/*/rest.go, pkg/apis/authorization/validation, pkg/registry/authentication.
import type { PolicyRule } from "kubernetes-types/rbac/v1";
import { type StatusCause, StatusError } from "../../../lib/errors/status-error.ts";
import type { ResourceRequest } from "../api-context.ts";
import type { UserInfo } from "../authn/user-info.ts";
import type { Attributes } from "../authz/authorizer.ts";
import { decodeObjectBody, mediaType, readBody } from "../http/body.ts";
import { json } from "../http/respond.ts";
import { createTokenReview } from "./token-review.ts";

const NO_AUTHORIZER = "no authorizer is configured: every request is allowed";

type Spec = {
  resourceAttributes?: Record<string, string>;
  nonResourceAttributes?: { path?: string; verb?: string };
  user?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
  uid?: string;
  namespace?: string;
};

function validateAccessSpec(
  spec: Spec,
  kind: string,
  group: string,
  needsUser: boolean,
  local?: string,
): void {
  const causes: StatusCause[] = [];
  if (spec.resourceAttributes && spec.nonResourceAttributes)
    causes.push({
      reason: "FieldValueInvalid",
      field: "spec.nonResourceAttributes",
      message: `Invalid value: ${JSON.stringify(JSON.stringify(spec.nonResourceAttributes))}: cannot be specified in combination with resourceAttributes`,
    });
  if (!spec.resourceAttributes && !spec.nonResourceAttributes)
    causes.push({
      reason: "FieldValueInvalid",
      field: "spec.resourceAttributes",
      message: `Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified`,
    });
  if (needsUser && !spec.user && (spec.groups ?? []).length === 0)
    causes.push({
      reason: "FieldValueInvalid",
      field: "spec.user",
      message: `Invalid value: "": at least one of user or group must be specified`,
    });
  if (local !== undefined) {
    if (spec.resourceAttributes && (spec.resourceAttributes.namespace ?? "") !== local)
      causes.push({
        reason: "FieldValueInvalid",
        field: "spec.resourceAttributes.namespace",
        message: `Invalid value: ${JSON.stringify(spec.resourceAttributes.namespace ?? "")}: must match metadata.namespace`,
      });
    if (spec.nonResourceAttributes)
      causes.push({
        reason: "FieldValueInvalid",
        field: "spec.nonResourceAttributes",
        message: `Invalid value: ${JSON.stringify(JSON.stringify(spec.nonResourceAttributes))}: disallowed on this kind of request`,
      });
  }
  if (causes.length > 0) throw StatusError.invalid({ group, kind }, "", causes);
}

/** upstream's AuthorizationAttributesFrom. */
function attributesFrom(user: UserInfo, spec: Spec): Attributes {
  const ra = spec.resourceAttributes;
  if (ra) {
    return {
      user,
      verb: ra.verb ?? "",
      isResourceRequest: true,
      path: "",
      apiGroup: ra.group ?? "",
      apiVersion: ra.version ?? "",
      namespace: ra.namespace ?? "",
      resource: ra.resource ?? "",
      subresource: ra.subresource ?? "",
      name: ra.name ?? "",
    };
  }
  const nra = spec.nonResourceAttributes ?? {};
  const base = { apiGroup: "", apiVersion: "", namespace: "", resource: "", subresource: "", name: "" };
  return { user, verb: nra.verb ?? "", isResourceRequest: false, path: nra.path ?? "", ...base };
}

async function accessStatus(
  r: ResourceRequest,
  user: UserInfo,
  spec: Spec,
): Promise<Record<string, unknown>> {
  const authorizer = r.ctx.authorizer;
  if (!authorizer) return { allowed: true, reason: NO_AUTHORIZER };
  const { decision, reason } = await authorizer.authorize(attributesFrom(user, spec));
  const status: Record<string, unknown> = { allowed: decision === "allow" };
  if (decision === "deny") status.denied = true;
  if (reason) status.reason = reason;
  return status;
}

function specUser(spec: Spec): UserInfo {
  const user: UserInfo = { username: spec.user ?? "", groups: spec.groups ?? [] };
  if (spec.uid) user.uid = spec.uid;
  if (spec.extra) user.extra = spec.extra;
  return user;
}

function splitRules(rules: PolicyRule[]): { resourceRules: object[]; nonResourceRules: object[] } {
  const resourceRules: object[] = [];
  const nonResourceRules: object[] = [];
  for (const rule of rules) {
    if ((rule.resources ?? []).length > 0) {
      const out: Record<string, string[]> = { verbs: rule.verbs };
      if ((rule.apiGroups ?? []).length > 0) out.apiGroups = rule.apiGroups ?? [];
      out.resources = rule.resources ?? [];
      if ((rule.resourceNames ?? []).length > 0) out.resourceNames = rule.resourceNames ?? [];
      resourceRules.push(out);
    }
    if ((rule.nonResourceURLs ?? []).length > 0)
      nonResourceRules.push({ verbs: rule.verbs, nonResourceURLs: rule.nonResourceURLs });
  }
  return { resourceRules, nonResourceRules };
}

export async function createReview(r: ResourceRequest): Promise<Response> {
  const body = decodeObjectBody(await readBody(r.req), mediaType(r.req), r.ctx.protobuf);
  const { kind, group } = r.entry.info;
  const apiVersion = `${group}/${r.entry.info.version}`;
  const spec = (body.spec ?? {}) as Spec;
  const metadata = { ...((body.metadata as object | undefined) ?? {}), creationTimestamp: null };
  const base = { kind, apiVersion, metadata, spec };
  switch (kind) {
    case "SubjectAccessReview":
      validateAccessSpec(spec, kind, group, true);
      return json({ ...base, status: await accessStatus(r, specUser(spec), spec) }, 201);
    case "LocalSubjectAccessReview": {
      const namespace = r.info.namespace;
      if (!namespace) throw StatusError.badRequest(`namespace is required on this type: ${namespace}`);
      const own = (metadata as { namespace?: string }).namespace || namespace;
      if (own !== namespace)
        throw StatusError.badRequest(
          "the namespace of the provided object does not match the namespace sent on the request",
        );
      validateAccessSpec(spec, kind, group, true, namespace);
      const out = { ...base, metadata: { ...metadata, namespace } };
      return json({ ...out, status: await accessStatus(r, specUser(spec), spec) }, 201);
    }
    case "SelfSubjectAccessReview":
      validateAccessSpec(spec, kind, group, false);
      return json({ ...base, status: await accessStatus(r, r.user, spec) }, 201);
    case "SelfSubjectRulesReview": {
      if (!spec.namespace) throw StatusError.badRequest("no namespace on request");
      const authorizer = r.ctx.authorizer;
      if (!authorizer) {
        const all = splitRules([
          { verbs: ["*"], apiGroups: ["*"], resources: ["*"] },
          { verbs: ["*"], nonResourceURLs: ["*"] },
        ]);
        return json({ ...base, status: { ...all, incomplete: false } }, 201);
      }
      const found = authorizer.rulesFor?.(r.user, spec.namespace) ?? { rules: [], incomplete: true };
      const status: Record<string, unknown> = { ...splitRules(found.rules), incomplete: found.incomplete };
      if (found.evaluationError) status.evaluationError = found.evaluationError;
      return json({ ...base, status }, 201);
    }
    case "SelfSubjectReview": {
      const userInfo: Record<string, unknown> = { username: r.user.username };
      if (r.user.uid) userInfo.uid = r.user.uid;
      userInfo.groups = r.user.groups;
      if (r.user.extra && Object.keys(r.user.extra).length > 0) userInfo.extra = r.user.extra;
      return json({ kind, apiVersion, metadata: { creationTimestamp: null }, status: { userInfo } }, 201);
    }
    case "TokenReview":
      return await createTokenReview(r, body);
    default:
      throw StatusError.of(501, "NotImplemented", `creating a ${kind} is not supported`);
  }
}
