// Per-request values the filters add and the handlers read (Go's context.Context in upstream's
// handler chain): the authenticated user, the TLS peer, the RequestInfo. Held in a WeakMap keyed
// by the Request, so nothing arriving from the network can forge them.
import type { UserInfo } from "../authn/user-info.ts";
import type { RequestInfo } from "../request-info.ts";

/** What the TLS front saw of the client's certificate (verified against the client CA or not). */
export interface PeerCertificate {
  /** DER of the leaf certificate, then any intermediates the client sent. */
  chain: Uint8Array[];
  /** True when the TLS stack verified the chain against the client CA. */
  authorized: boolean;
  /** Why it is not authorized (e.g. "CERT_HAS_EXPIRED", "UNABLE_TO_VERIFY_LEAF_SIGNATURE"). */
  authorizationError?: string;
}

export interface RequestContext {
  /** Set by the authentication filter, or up front for in-process and insecure-port callers. */
  user?: UserInfo;
  /** The identity a caller had before impersonation (audit and SelfSubjectReview use it). */
  authenticatedUser?: UserInfo;
  peer?: PeerCertificate;
  info?: RequestInfo;
  /**
   * The audiences a token must be good for (upstream's authenticator.WithAudiences): the API
   * audiences, set by the authentication filter, or a TokenReview's spec.audiences.
   */
  audiences?: string[];
  /** How long reading the body may take (the server's --request-timeout; 60 s when unset). */
  requestTimeoutMs?: number;
  /** A path served without authorization (an extra route such as /ui/ that acts only through the API). */
  alwaysAllow?: boolean;
  /**
   * The request the server received, when an extra route made this one from it (the dashboard's
   * exec terminal): a websocket upgrade takes over that request's connection.
   */
  receivedAs?: Request;
  /** A Bun server received it (not an in-process caller): a large body streams to the socket. */
  overSocket?: boolean;
}

const contexts = new WeakMap<Request, RequestContext>();

export function contextOf(req: Request): RequestContext {
  let ctx = contexts.get(req);
  if (!ctx) {
    ctx = {};
    contexts.set(req, ctx);
  }
  return ctx;
}

/** The request's user; throws if the chain did not authenticate it (a wiring bug, not input). */
export function userOf(req: Request): UserInfo {
  const user = contexts.get(req)?.user;
  if (!user) throw new Error(`request ${req.method} ${req.url} reached a handler without a user`);
  return user;
}

/** Marks a request as coming from a caller whose identity is already known (in-process, insecure port). */
export function withUser(req: Request, user: UserInfo): Request {
  contextOf(req).user = user;
  return req;
}
