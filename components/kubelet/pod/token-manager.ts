// The kubelet's cache of ServiceAccount tokens (upstream pkg/kubelet/token/token_manager.go): a
// token is fetched with TokenRequest and reused until it is older than 80% of its TTL or 24 h
// (minus up to 10 s of jitter); a failed refresh keeps serving a token that has not expired.
import type { ServiceAccountToken, TokenRequestSpec } from "./object-source.ts";

export interface IssuedToken {
  token: string;
  /** When the token expires as the server stated it (status.expirationTimestamp). */
  expirationTimestamp: Date;
  spec: TokenRequestSpec;
}

/** Asks the API server (POST serviceaccounts/<name>/token) and returns what it answered. */
export type TokenFetcher = (namespace: string, name: string, spec: TokenRequestSpec) => Promise<IssuedToken>;

const MAX_TTL_MS = 24 * 60 * 60 * 1000;
const MAX_JITTER_MS = 10 * 1000;

export interface TokenManagerOptions {
  fetch: TokenFetcher;
  now?: () => Date;
  /** In [0, 1): picks the jitter. */
  random?: () => number;
}

function keyOf(namespace: string, name: string, spec: TokenRequestSpec): string {
  const ref = spec.boundObjectRef;
  return JSON.stringify([
    name,
    namespace,
    spec.audiences ?? [],
    spec.expirationSeconds,
    ref ? [ref.kind, ref.name, ref.uid] : null,
  ]);
}

export class TokenManager {
  private readonly cache = new Map<string, IssuedToken>();
  private readonly now: () => Date;
  private readonly random: () => number;

  constructor(private readonly options: TokenManagerOptions) {
    this.now = options.now ?? (() => new Date());
    this.random = options.random ?? Math.random;
  }

  /** A valid token for the account and request, from the cache unless it needs a refresh. */
  async getServiceAccountToken(
    namespace: string,
    name: string,
    spec: TokenRequestSpec,
  ): Promise<IssuedToken> {
    const key = keyOf(namespace, name, spec);
    const cached = this.cache.get(key);
    if (cached && !this.requiresRefresh(cached)) return cached;
    let fresh: IssuedToken;
    try {
      fresh = await this.options.fetch(namespace, name, spec);
    } catch (error) {
      const message = (error as Error).message;
      if (!cached) throw new Error(`failed to fetch token: ${message}`);
      if (this.expired(cached)) throw new Error(`token ${key} expired and refresh failed: ${message}`);
      return cached;
    }
    this.cache.set(key, fresh);
    return fresh;
  }

  /** When a token from this request should be asked for again (for the caller's timer). */
  refreshDue(token: IssuedToken): Date {
    const exp = token.expirationTimestamp.getTime();
    const ttl = token.spec.expirationSeconds * 1000;
    const iat = exp - ttl;
    // A second past the threshold, so a timer set for it finds the refresh due.
    return new Date(Math.min(iat + MAX_TTL_MS, exp - Math.floor(ttl / 5)) + 1000);
  }

  /** The ObjectSource view: the token and when to ask again. */
  async serviceAccountToken(
    namespace: string,
    name: string,
    spec: TokenRequestSpec,
  ): Promise<ServiceAccountToken> {
    const issued = await this.getServiceAccountToken(namespace, name, spec);
    return { token: issued.token, refreshAt: this.refreshDue(issued) };
  }

  /** upstream requiresRefresh: past 24 h since issue, or within 20% of the TTL of expiry (less jitter). */
  requiresRefresh(token: IssuedToken): boolean {
    const now = this.now().getTime();
    const exp = token.expirationTimestamp.getTime();
    const ttl = token.spec.expirationSeconds * 1000;
    const iat = exp - ttl;
    const jitter = Math.floor(this.random() * (MAX_JITTER_MS / 1000)) * 1000;
    if (now > iat + MAX_TTL_MS - jitter) return true;
    return now > exp - Math.floor(ttl / 5) - jitter;
  }

  private expired(token: IssuedToken): boolean {
    return this.now().getTime() > token.expirationTimestamp.getTime();
  }

  /** Forgets the tokens bound to a pod that is gone (upstream DeleteServiceAccountToken). */
  deleteServiceAccountToken(podUid: string): void {
    for (const [key, token] of this.cache)
      if (token.spec.boundObjectRef?.uid === podUid) this.cache.delete(key);
  }

  /** Drops expired tokens (upstream's cleanup every minute). */
  cleanup(): void {
    for (const [key, token] of this.cache) if (this.expired(token)) this.cache.delete(key);
  }

  get size(): number {
    return this.cache.size;
  }
}

interface TokenRequestReply {
  spec?: { expirationSeconds?: number };
  status?: { token?: string; expirationTimestamp?: string };
}

/** A TokenFetcher over an API client (anything with `create(path, body)`). */
export function apiTokenFetcher(client: {
  create<T>(path: string, body: unknown): Promise<T>;
}): TokenFetcher {
  return async (namespace, name, spec) => {
    const reply = await client.create<TokenRequestReply>(
      `/api/v1/namespaces/${namespace}/serviceaccounts/${encodeURIComponent(name)}/token`,
      { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec },
    );
    const token = reply.status?.token;
    const expires = Date.parse(reply.status?.expirationTimestamp ?? "");
    if (!token || Number.isNaN(expires))
      throw new Error("the TokenRequest answer has no token or expiration");
    // The server may shorten the expiration (--service-account-max-token-expiration).
    return {
      token,
      expirationTimestamp: new Date(expires),
      spec: { ...spec, expirationSeconds: reply.spec?.expirationSeconds ?? spec.expirationSeconds },
    };
  };
}
