// The claims of ServiceAccount tokens, as upstream writes them: bound tokens
// (pkg/serviceaccount/claims.go, TokenRequest) and legacy Secret tokens (legacy.go).
// Helper functions only; the issuer is added by the signer.

/** Upstream's WarnOnlyBoundTokenExpirationSeconds: what kube-api-access volumes ask for (1 h + 7 s). */
export const WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS = 60 * 60 + 7;
/** Upstream's ExpirationExtensionSeconds: how long such a token is actually valid (one year). */
export const EXPIRATION_EXTENSION_SECONDS = 24 * 365 * 60 * 60;
/** The issuer of legacy Secret-based tokens. */
export const LEGACY_ISSUER = "kubernetes/serviceaccount";

export interface ObjectRef {
  name?: string;
  uid?: string;
}

export interface KubernetesClaim {
  namespace: string;
  serviceaccount: ObjectRef;
  pod?: ObjectRef;
  secret?: ObjectRef;
  node?: ObjectRef;
  warnafter?: number;
}

export interface BoundTokenClaims {
  aud?: string[];
  exp: number;
  iat: number;
  iss?: string;
  jti?: string;
  "kubernetes.io": KubernetesClaim;
  nbf: number;
  sub: string;
}

export interface LegacyTokenClaims {
  iss?: string;
  "kubernetes.io/serviceaccount/namespace": string;
  "kubernetes.io/serviceaccount/secret.name": string;
  "kubernetes.io/serviceaccount/service-account.name": string;
  "kubernetes.io/serviceaccount/service-account.uid": string;
  sub: string;
}

export interface NamedObject {
  metadata?: { name?: string; namespace?: string; uid?: string };
}

/** `system:serviceaccount:<namespace>:<name>` (apiserver serviceaccount.MakeUsername). */
export function serviceAccountUsername(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

export interface BoundClaimsInput {
  serviceAccount: NamedObject;
  /** At most one of pod, secret and node-only binding; a pod-bound token may carry its node too. */
  pod?: NamedObject;
  secret?: NamedObject;
  node?: NamedObject;
  audiences: string[];
  expirationSeconds: number;
  /** Non-zero: the `warnafter` time, this many seconds from now. */
  warnAfterSeconds?: number;
  now: Date;
  /** The token id (upstream: a random UUID). */
  jti: string;
}

/** Go's `omitempty` on both fields: a node known only by name has no uid. */
function ref(obj: NamedObject): ObjectRef {
  const out: ObjectRef = {};
  if (obj.metadata?.name) out.name = obj.metadata.name;
  if (obj.metadata?.uid) out.uid = obj.metadata.uid;
  return out;
}

/** Claims of a bound token (upstream Claims()): sub, aud, iat, nbf, exp, jti and kubernetes.io. */
export function boundClaims(input: BoundClaimsInput): BoundTokenClaims {
  if (input.secret && (input.pod || input.node))
    throw new Error("internal error, token can only be bound to one object type");
  const seconds = Math.floor(input.now.getTime() / 1000);
  const sa = input.serviceAccount.metadata ?? {};
  const kubernetes: KubernetesClaim = {
    namespace: sa.namespace ?? "",
    serviceaccount: ref(input.serviceAccount),
  };
  if (input.pod) {
    kubernetes.pod = ref(input.pod);
    if (input.node) kubernetes.node = ref(input.node);
  } else if (input.secret) {
    kubernetes.secret = ref(input.secret);
  } else if (input.node) {
    kubernetes.node = ref(input.node);
  }
  if (input.warnAfterSeconds) kubernetes.warnafter = seconds + input.warnAfterSeconds;
  const claims: BoundTokenClaims = {
    exp: seconds + input.expirationSeconds,
    iat: seconds,
    jti: input.jti,
    "kubernetes.io": kubernetes,
    nbf: seconds,
    sub: serviceAccountUsername(sa.namespace ?? "", sa.name ?? ""),
  };
  if (input.audiences.length > 0) claims.aud = [...input.audiences];
  return claims;
}

/** Claims of a legacy token stored in a `kubernetes.io/service-account-token` Secret. */
export function legacyClaims(serviceAccount: NamedObject, secret: NamedObject): LegacyTokenClaims {
  const sa = serviceAccount.metadata ?? {};
  return {
    "kubernetes.io/serviceaccount/namespace": sa.namespace ?? "",
    "kubernetes.io/serviceaccount/secret.name": secret.metadata?.name ?? "",
    "kubernetes.io/serviceaccount/service-account.name": sa.name ?? "",
    "kubernetes.io/serviceaccount/service-account.uid": sa.uid ?? "",
    sub: serviceAccountUsername(sa.namespace ?? "", sa.name ?? ""),
  };
}
