// Successful token authentications remembered briefly, so a bearer request costs a map lookup:
// upstream's token/cache (kube-apiserver caches successes 10 s and failures not at all).
// Concurrent first uses of one token share one authentication (upstream's singleflight).
import type { AuthResult } from "./authenticator.ts";
import type { TokenAuthenticator } from "./token-authenticator.ts";

export interface TokenCacheOptions {
  /** How long a success is remembered; default 10 s (kube-apiserver's TokenSuccessCacheTTL). */
  successTtlMs?: number;
  /** Most entries kept; the oldest go first. Default 4096. */
  maxEntries?: number;
  now?: () => number;
}

interface Entry {
  result: AuthResult;
  expires: number;
}

export function cachedTokens(inner: TokenAuthenticator, options: TokenCacheOptions = {}): TokenAuthenticator {
  const ttl = options.successTtlMs ?? 10_000;
  const max = options.maxEntries ?? 4096;
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  const inFlight = new Map<string, Promise<AuthResult>>();
  return {
    authenticateToken(token, audiences): Promise<AuthResult> | AuthResult {
      const key = audiences === undefined ? `*\n${token}` : `${audiences.join("\u0000")}\n${token}`;
      const hit = entries.get(key);
      if (hit) {
        if (hit.expires > now()) return hit.result;
        entries.delete(key);
      }
      const pending = inFlight.get(key);
      if (pending) return pending;
      const run = (async () => {
        try {
          const result = await inner.authenticateToken(token, audiences);
          if (result.kind === "ok" && ttl > 0) {
            if (entries.size >= max) {
              const oldest = entries.keys().next().value;
              if (oldest !== undefined) entries.delete(oldest);
            }
            entries.set(key, { result, expires: now() + ttl });
          }
          return result;
        } finally {
          inFlight.delete(key);
        }
      })();
      inFlight.set(key, run);
      return run;
    },
  };
}
