// `POST /api/v1/namespaces/<ns>/serviceaccounts/<name>/token`: the TokenRequest subresource
// (upstream pkg/registry/core/serviceaccount/storage/token.go and
// pkg/apis/authentication/validation ValidateTokenRequest): a signed token bound to the account
// and optionally to a Pod, Secret or Node that must exist with the given uid.
import { StatusError } from "../../../lib/errors/status-error.ts";
import {
  boundClaims,
  EXPIRATION_EXTENSION_SECONDS,
  type NamedObject,
  WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS,
} from "../../../lib/serviceaccount/token-claims.ts";
import type { ResourceRequest } from "../api-context.ts";
import { decodeObjectBody, mediaType, readBody } from "../http/body.ts";
import { json } from "../http/respond.ts";
import { rfc3339 } from "../registry/object.ts";

const GROUP = "authentication.k8s.io";
const DEFAULT_EXPIRATION_SECONDS = 3600;
const MIN_EXPIRATION_SECONDS = 10 * 60;
const MAX_EXPIRATION_SECONDS = 2 ** 32;

interface BoundObjectRef {
  kind?: string;
  apiVersion?: string;
  name?: string;
  uid?: string;
}

interface TokenRequestSpec {
  audiences?: string[] | null;
  expirationSeconds?: number;
  boundObjectRef?: BoundObjectRef | null;
}

function invalid(field: string, value: unknown, message: string): StatusError {
  return StatusError.invalid({ group: GROUP, kind: "TokenRequest" }, "", [
    { reason: "FieldValueInvalid", field, message: `Invalid value: ${JSON.stringify(value)}: ${message}` },
  ]);
}

function validate(spec: TokenRequestSpec): number {
  const seconds = spec.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS;
  if (typeof seconds !== "number" || !Number.isInteger(seconds))
    throw invalid("spec.expirationSeconds", seconds, "must be an integer");
  if (seconds < MIN_EXPIRATION_SECONDS)
    throw invalid("spec.expirationSeconds", seconds, "may not specify a duration less than 10 minutes");
  if (seconds > MAX_EXPIRATION_SECONDS)
    throw invalid("spec.expirationSeconds", seconds, "may not specify a duration larger than 2^32 seconds");
  if (
    spec.audiences != null &&
    (!Array.isArray(spec.audiences) || spec.audiences.some((a) => typeof a !== "string"))
  )
    throw invalid("spec.audiences", spec.audiences, "must be a list of strings");
  return seconds;
}

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? "" : apiVersion.slice(0, slash);
}

function versionOf(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
}

export async function createTokenRequest(r: ResourceRequest): Promise<Response> {
  const { ctx, info } = r;
  const options = ctx.serviceAccountTokens;
  // Upstream installs serviceaccounts/token only with a token generator.
  if (!options) throw StatusError.notFoundPath();
  const body = decodeObjectBody(await readBody(r.req), mediaType(r.req), ctx.protobuf);
  if (body.kind !== undefined && body.kind !== "TokenRequest")
    throw StatusError.badRequest(
      `the body of a serviceaccounts/token request must be a TokenRequest, not ${String(body.kind)}`,
    );
  const spec = (body.spec ?? {}) as TokenRequestSpec;
  const meta = (body.metadata ?? {}) as { name?: string; namespace?: string; uid?: string };
  const ns = info.namespace;
  // The body may name the account; it must be the one in the URL.
  const mismatch = (field: string, value: string, what: string) =>
    StatusError.invalid({ group: GROUP, kind: "TokenRequest" }, info.name, [
      {
        reason: "FieldValueInvalid",
        field,
        message: `Invalid value: ${JSON.stringify(value)}: must match the service account ${what} if specified`,
      },
    ]);
  if (meta.name && meta.name !== info.name) throw mismatch("metadata.name", meta.name, "name");
  if (meta.namespace && meta.namespace !== ns)
    throw mismatch("metadata.namespace", meta.namespace, "namespace");

  const lookup = (resource: string) => {
    const entry = ctx.registry.lookup("", "v1", resource);
    if (!entry) throw StatusError.internal(`the ${resource} resource is not served`);
    return entry.store;
  };
  const serviceAccount = await lookup("serviceaccounts").get(ns, info.name);
  const saUid = serviceAccount.metadata.uid ?? "";
  if (meta.uid && meta.uid !== saUid)
    r.warnings.push(
      `the UID in the token request (${meta.uid}) does not match the UID of the service account (${saUid}) but TokenRequestServiceAccountUIDValidation is not enabled. In the future, this will return a conflict error`,
    );
  let expirationSeconds = validate(spec);

  let pod: NamedObject | undefined;
  let secret: NamedObject | undefined;
  let node: NamedObject | undefined;
  const ref = spec.boundObjectRef ?? undefined;
  if (ref) {
    const apiVersion = ref.apiVersion ?? "";
    const group = groupOf(apiVersion);
    const kind = ref.kind ?? "";
    const name = ref.name ?? "";
    let uid: string | undefined;
    if (group === "" && kind === "Pod") {
      const found = await lookup("pods").get(ns, name);
      const account = (found.spec as { serviceAccountName?: string } | undefined)?.serviceAccountName ?? "";
      if (account !== info.name)
        throw StatusError.badRequest(
          `cannot bind token for serviceaccount "${info.name}" to pod running with different serviceaccount name.`,
        );
      pod = found;
      uid = found.metadata.uid;
      const nodeName = (found.spec as { nodeName?: string } | undefined)?.nodeName;
      // The pod's node is a soft addition: a missing node is named without a uid.
      if (nodeName)
        node = (await lookup("nodes").current("", nodeName))?.obj ?? { metadata: { name: nodeName } };
    } else if (group === "" && kind === "Node") {
      node = await lookup("nodes").get("", name);
      uid = node.metadata?.uid;
    } else if (group === "" && kind === "Secret") {
      secret = await lookup("secrets").get(ns, name);
      uid = secret.metadata?.uid;
    } else {
      throw StatusError.badRequest(
        `cannot bind token to object of type ${group}/${versionOf(apiVersion)}, Kind=${kind}`,
      );
    }
    if (ref.uid && ref.uid !== uid)
      throw StatusError.conflict(
        { group, resource: kind },
        name,
        `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`,
      );
  }

  const audiences = spec.audiences && spec.audiences.length > 0 ? spec.audiences : options.apiAudiences;
  const max = options.maxExpirationSeconds ?? 0;
  if (max > 0 && expirationSeconds > max) {
    r.warnings.push(`requested expiration of ${expirationSeconds} seconds shortened to ${max} seconds`);
    expirationSeconds = max;
  }
  // Upstream's safe rollout of bound tokens: a kube-api-access token is valid for a year (or the
  // maximum, if longer) but carries `warnafter` at the time it was asked to expire.
  let tokenSeconds = expirationSeconds;
  let warnAfterSeconds = 0;
  const kubeAudiences = audiences.every((a) => options.apiAudiences.includes(a));
  if (
    (options.extendExpiration ?? true) &&
    pod &&
    expirationSeconds === WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS &&
    kubeAudiences
  ) {
    warnAfterSeconds = expirationSeconds;
    tokenSeconds = Math.max(EXPIRATION_EXTENSION_SECONDS, max);
  }

  const now = ctx.now();
  const claims = boundClaims({
    serviceAccount,
    pod,
    secret,
    node,
    audiences,
    expirationSeconds: tokenSeconds,
    warnAfterSeconds,
    now,
    jti: (options.newId ?? (() => crypto.randomUUID()))(),
  });
  const token = await options.signer.signBound(claims);
  const outSpec: Record<string, unknown> = { audiences, expirationSeconds };
  if (ref) outSpec.boundObjectRef = ref;
  const metadata = {
    ...(body.metadata as Record<string, unknown> | undefined),
    name: info.name,
    namespace: ns,
    uid: meta.uid || saUid,
    creationTimestamp: rfc3339(now),
  };
  return json(
    {
      kind: "TokenRequest",
      apiVersion: `${GROUP}/v1`,
      metadata,
      spec: outSpec,
      status: {
        token,
        expirationTimestamp: rfc3339(
          new Date(Math.floor(now.getTime() / 1000) * 1000 + expirationSeconds * 1000),
        ),
      },
    },
    201,
  );
}
