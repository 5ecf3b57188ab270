// The apiserver's authenticator from its flags, in upstream's order
// (pkg/kubeapiserver/authenticator/config.go): client certificates, then bearer tokens (token
// file, ServiceAccount JWTs, bootstrap tokens; successes cached 10 s), system:authenticated
// added, and anonymous last unless a credential was presented and failed.
import { AnonymousAuthenticator } from "./anonymous.ts";
import { audienceAgnostic } from "./audience-agnostic.ts";
import { withAuthenticatedGroup } from "./authenticated-group.ts";
import type { Authenticator } from "./authenticator.ts";
import { BearerTokenAuthenticator } from "./bearer-token.ts";
import { BootstrapTokenAuthenticator } from "./bootstrap-token.ts";
import type { ObjectGetter } from "./object-getter.ts";
import { ServiceAccountAuthenticator } from "./service-account-authenticator.ts";
import { verificationKeys } from "./service-account-keys.ts";
import type { TokenAuthenticator } from "./token-authenticator.ts";
import { cachedTokens } from "./token-cache.ts";
import { TokenFileAuthenticator } from "./token-file.ts";
import { tokenUnion } from "./token-union.ts";
import { authenticatorUnion } from "./union.ts";
import { WebSocketProtocolAuthenticator } from "./websocket-protocol.ts";
import { X509Authenticator } from "./x509-authenticator.ts";

export interface AuthenticationOptions {
  /** --token-auth-file, already read. */
  tokenAuthFile?: { path: string; text: string };
  /** --service-account-key-file contents (PEM); none: ServiceAccount tokens are not accepted. */
  serviceAccountKeyPems: string[];
  /** --service-account-issuer values. */
  serviceAccountIssuers: string[];
  /** --api-audiences (default, as upstream: the issuers). */
  apiAudiences: string[];
  /** --anonymous-auth (upstream default true). */
  anonymousAuth: boolean;
  /** --enable-bootstrap-token-auth; default true here (kube joins nodes with them). */
  bootstrapTokens?: boolean;
  /** Reads the objects tokens are bound to (registryObjectGetter(registry)). */
  objects: ObjectGetter;
  /** Default 10 s; 0 disables the cache. */
  tokenCacheTtlMs?: number;
  now?: () => Date;
}

export interface Authentication {
  /** The request authenticator the authentication filter runs. */
  authenticator: Authenticator;
  /** The bearer-token part alone (cached), e.g. for TokenReview-like callers. */
  tokens: TokenAuthenticator | undefined;
  apiAudiences: string[];
}

/** Throws (naming the file and line) when the token file or a key file is malformed. */
export function buildAuthentication(options: AuthenticationOptions): Authentication {
  const now = options.now ?? (() => new Date());
  const auds = options.apiAudiences;
  const tokenAuthenticators: TokenAuthenticator[] = [];
  if (options.tokenAuthFile) {
    const { path, text } = options.tokenAuthFile;
    tokenAuthenticators.push(audienceAgnostic(auds, TokenFileAuthenticator.parse(path, text)));
  }
  if (options.serviceAccountKeyPems.length > 0) {
    const keys = options.serviceAccountKeyPems.flatMap((pem, i) =>
      verificationKeys(pem, `--service-account-key-file #${i + 1}`),
    );
    tokenAuthenticators.push(
      new ServiceAccountAuthenticator({
        keys,
        issuers: options.serviceAccountIssuers,
        apiAudiences: auds,
        objects: options.objects,
        now,
      }),
    );
  }
  if (options.bootstrapTokens !== false) {
    tokenAuthenticators.push(audienceAgnostic(auds, new BootstrapTokenAuthenticator(options.objects, now)));
  }
  const requestAuthenticators: Authenticator[] = [new X509Authenticator(now)];
  let tokens: TokenAuthenticator | undefined;
  if (tokenAuthenticators.length > 0) {
    const ttl = options.tokenCacheTtlMs ?? 10_000;
    const union = tokenUnion(...tokenAuthenticators);
    tokens = ttl > 0 ? cachedTokens(union, { successTtlMs: ttl, now: () => now().getTime() }) : union;
    requestAuthenticators.push(
      new BearerTokenAuthenticator(tokens),
      new WebSocketProtocolAuthenticator(tokens),
    );
  }
  let authenticator = withAuthenticatedGroup(authenticatorUnion(requestAuthenticators));
  if (options.anonymousAuth) {
    authenticator = authenticatorUnion([authenticator, new AnonymousAuthenticator()], true);
  }
  return { authenticator, tokens, apiAudiences: auds };
}
