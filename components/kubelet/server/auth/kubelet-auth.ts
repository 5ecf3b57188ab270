// Who may use the kubelet's port, as upstream's kubelet with --client-ca-file,
// --authentication-token-webhook, --authorization-mode=Webhook and --anonymous-auth=false
// (pkg/kubelet/server/server.go InstallAuthFilter, pkg/kubelet/server/auth.go): a client
// certificate verified against the client CA is user CN in groups O; else a bearer token is
// checked with a TokenReview; else 401. Then a SubjectAccessReview on the Node decides (403).
import { parseCertificate } from "../../../../lib/pki/parse-certificate.ts";
import { verifyChain } from "../../../../lib/pki/verify-chain.ts";
import type { TlsPeer } from "../../../../lib/tls/tls-front.ts";
import { type KubeletRequestAttributes, requestAttributes } from "./request-attributes.ts";
import { TtlCache } from "./ttl-cache.ts";

/** The part of the kubelet's API client the reviews need (ApiClient satisfies it). */
export interface ReviewApi {
  create<T>(path: string, body: unknown): Promise<T>;
}

export interface KubeletUser {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

export interface KubeletAuthOptions {
  nodeName: string;
  /** CA bundle for client certificates (--client-ca-file); absent: certificates are not accepted. */
  clientCaPem?: string;
  /** TokenReview and SubjectAccessReview go here (the kubelet's API client). */
  api?: ReviewApi;
  /** --authentication-token-webhook: bearer tokens by TokenReview (default: when `api` is given). */
  tokenWebhook?: boolean;
  /** --authorization-mode (default: Webhook when `api` is given, else AlwaysAllow). */
  authorizationMode?: "Webhook" | "AlwaysAllow";
  /** --anonymous-auth: a request without credentials is system:anonymous instead of a 401 (default false). */
  anonymous?: boolean;
  /** Cache TTLs (upstream defaults: authentication 2 min; authorization 5 min allowed, 30 s denied). */
  authenticatedTtlMs?: number;
  unauthenticatedTtlMs?: number;
  allowedTtlMs?: number;
  deniedTtlMs?: number;
  now?: () => number;
  log?: (line: string) => void;
}

export type AuthOutcome =
  | { ok: true; user: KubeletUser; attributes: KubeletRequestAttributes }
  | { ok: false; response: Response };

interface TokenReviewStatus {
  authenticated?: boolean;
  user?: { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
  error?: string;
}

interface SubjectAccessReviewStatus {
  allowed?: boolean;
  denied?: boolean;
  reason?: string;
  evaluationError?: string;
}

const AUTHENTICATED = "system:authenticated";
const ANONYMOUS: KubeletUser = { username: "system:anonymous", groups: ["system:unauthenticated"] };

function text(status: number, body: string): Response {
  return new Response(body, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

export class KubeletAuth {
  private readonly tokens: TtlCache<KubeletUser | null>;
  private readonly decisions: TtlCache<boolean>;
  private readonly now: () => number;
  private readonly log: (line: string) => void;

  private readonly tokenApi: ReviewApi | undefined;
  private readonly authorizeApi: ReviewApi | undefined;

  constructor(private readonly options: KubeletAuthOptions) {
    const { api } = options;
    if ((options.tokenWebhook === true || options.authorizationMode === "Webhook") && api === undefined) {
      throw new Error("kubelet server: webhook authentication or authorization needs an API server to ask");
    }
    this.tokenApi = (options.tokenWebhook ?? api !== undefined) ? api : undefined;
    this.authorizeApi =
      (options.authorizationMode ?? (api ? "Webhook" : "AlwaysAllow")) === "Webhook" ? api : undefined;
    this.now = options.now ?? Date.now;
    this.tokens = new TtlCache(this.now);
    this.decisions = new TtlCache(this.now);
    this.log = options.log ?? (() => undefined);
  }

  /** For the start-up log line: how callers are authenticated and authorized. */
  summary(): string {
    const authn = [
      ...(this.options.clientCaPem === undefined ? [] : ["client certificates"]),
      ...(this.tokenApi ? ["TokenReview"] : []),
      ...(this.options.anonymous ? ["anonymous"] : []),
    ];
    const authz = this.authorizeApi ? "SubjectAccessReview" : "AlwaysAllow";
    return `callers authenticated by ${authn.join(", ") || "nothing (every request is refused)"}, authorized by ${authz}`;
  }

  /** Authenticates and authorizes one request; `peer` is what the TLS front saw of the client. */
  async check(req: Request, peer: TlsPeer | undefined): Promise<AuthOutcome> {
    let user: KubeletUser | undefined;
    try {
      user = await this.authenticate(req, peer);
    } catch (err) {
      this.log(`kubelet server: unable to authenticate the request due to an error: ${errorText(err)}`);
      return { ok: false, response: text(401, "Unauthorized") };
    }
    if (!user) return { ok: false, response: text(401, "Unauthorized") };
    const url = new URL(req.url);
    const attributes = requestAttributes(req.method, url.pathname, this.options.nodeName);
    const what = `user=${user.username}, verb=${attributes.verb}, resource=${attributes.resource}, subresource(s)=[${attributes.subresource}]`;
    let allowed: boolean;
    try {
      allowed = await this.authorize(user, attributes);
    } catch (err) {
      this.log(`kubelet server: authorization error (${what}): ${errorText(err)}`);
      return { ok: false, response: text(500, `Authorization error (${what})\n`) };
    }
    if (!allowed) return { ok: false, response: text(403, `Forbidden (${what})\n`) };
    return { ok: true, user, attributes };
  }

  /** Certificate first, then token (upstream's union: an invalid certificate does not hide a good token). */
  private async authenticate(req: Request, peer: TlsPeer | undefined): Promise<KubeletUser | undefined> {
    let certificateError: string | undefined;
    const leaf = peer?.chain[0];
    if (leaf && this.options.clientCaPem !== undefined) {
      const verified = verifyChain(leaf, this.options.clientCaPem, new Date(this.now()), {
        intermediates: peer?.chain.slice(1) ?? [],
        usage: "client",
      });
      const cert = verified.ok ? parseCertificate(leaf) : undefined;
      if (!verified.ok) certificateError = `verifying certificate failed: ${verified.error}`;
      else if (cert && cert.subjectCN !== "") {
        const groups = [...cert.organizations];
        if (!groups.includes(AUTHENTICATED)) groups.push(AUTHENTICATED);
        return { username: cert.subjectCN, groups };
      }
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.get("authorization") ?? "");
    const token = match?.[1];
    const user =
      token !== undefined && this.tokenApi !== undefined
        ? await this.reviewToken(this.tokenApi, token)
        : null;
    if (user) return user;
    if (certificateError !== undefined) throw new Error(certificateError);
    // Upstream: anonymous only when nothing was presented (a bad token is still a 401).
    return this.options.anonymous === true && token === undefined ? ANONYMOUS : undefined;
  }

  private async reviewToken(api: ReviewApi, token: string): Promise<KubeletUser | null> {
    const cached = this.tokens.get(token);
    if (cached !== undefined) return cached;
    const review = await api.create<{ status?: TokenReviewStatus }>(
      "/apis/authentication.k8s.io/v1/tokenreviews",
      {
        apiVersion: "authentication.k8s.io/v1",
        kind: "TokenReview",
        spec: { token },
      },
    );
    const status = review.status ?? {};
    const username = status.user?.username;
    const user: KubeletUser | null =
      status.authenticated === true && username
        ? {
            username,
            groups: status.user?.groups ?? [],
            ...(status.user?.uid ? { uid: status.user.uid } : {}),
            ...(status.user?.extra ? { extra: status.user.extra } : {}),
          }
        : null;
    this.tokens.set(
      token,
      user,
      user ? (this.options.authenticatedTtlMs ?? 120_000) : (this.options.unauthenticatedTtlMs ?? 30_000),
    );
    return user;
  }

  private async authorize(user: KubeletUser, attributes: KubeletRequestAttributes): Promise<boolean> {
    const api = this.authorizeApi;
    if (api === undefined) return true;
    const spec = {
      user: user.username,
      groups: user.groups,
      ...(user.uid ? { uid: user.uid } : {}),
      ...(user.extra ? { extra: user.extra } : {}),
      resourceAttributes: {
        verb: attributes.verb,
        version: "v1",
        resource: attributes.resource,
        subresource: attributes.subresource,
        name: attributes.name,
      },
    };
    const key = JSON.stringify(spec);
    const cached = this.decisions.get(key);
    if (cached !== undefined) return cached;
    const review = await api.create<{ status?: SubjectAccessReviewStatus }>(
      "/apis/authorization.k8s.io/v1/subjectaccessreviews",
      { apiVersion: "authorization.k8s.io/v1", kind: "SubjectAccessReview", spec },
    );
    const status = review.status ?? {};
    if (status.evaluationError && !status.allowed && !status.denied) {
      this.log(`kubelet server: SubjectAccessReview for ${user.username}: ${status.evaluationError}`);
    }
    const allowed = status.allowed === true && status.denied !== true;
    this.decisions.set(
      key,
      allowed,
      allowed ? (this.options.allowedTtlMs ?? 300_000) : (this.options.deniedTtlMs ?? 30_000),
    );
    return allowed;
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
