// Acting as another user (`kubectl --as`): upstream's WithImpersonation
// (k8s.io/apiserver pkg/endpoints/filters/impersonation.go). Each Impersonate-* header is one
// `impersonate` check; all must be allowed, then the request runs as the impersonated user.
import {
  serviceAccountGroups,
  serviceAccountUsername,
  splitServiceAccountUsername,
} from "../authn/service-account-user.ts";
import { GROUPS, USERS, type UserInfo } from "../authn/user-info.ts";
import type { Attributes, Authorizer } from "../authz/authorizer.ts";
import type { Filter } from "./chain.ts";
import { forbiddenResponse } from "./forbidden.ts";
import { contextOf, userOf } from "./request-context.ts";

const USER = "impersonate-user";
const GROUP = "impersonate-group";
const UID = "impersonate-uid";
const EXTRA = "impersonate-extra-";

interface Ask {
  kind: "ServiceAccount" | "User" | "Group" | "UserExtra" | "UID";
  namespace?: string;
  name: string;
  /** The extra key (UserExtra). */
  key?: string;
}

/** Header values as sent: fetch joins repeated headers with ", ". */
const values = (v: string | null): string[] => (v === null ? [] : v.split(", "));

function asks(headers: Headers): { asks: Ask[]; error?: string } {
  const out: Ask[] = [];
  // The common case (no Impersonate-* header at all) costs one pass over the header names.
  let any = false;
  for (const name of headers.keys()) {
    if (name.startsWith("impersonate-")) {
      any = true;
      break;
    }
  }
  if (!any) return { asks: out };
  const user = headers.get(USER) ?? "";
  if (user) {
    const sa = splitServiceAccountUsername(user);
    out.push(sa ? { kind: "ServiceAccount", namespace: sa[0], name: sa[1] } : { kind: "User", name: user });
  }
  for (const g of values(headers.get(GROUP))) out.push({ kind: "Group", name: g });
  let extras = false;
  for (const [header, value] of headers) {
    if (!header.startsWith(EXTRA)) continue;
    extras = true;
    const key = unescapeKey(header.slice(EXTRA.length));
    for (const v of values(value)) out.push({ kind: "UserExtra", name: v, key });
  }
  const uid = headers.get(UID) ?? "";
  if (uid) out.push({ kind: "UID", name: uid });
  if ((out.length > 0 || extras) && !user) {
    const refs = out.map(
      (a) =>
        `{${a.kind} ${a.namespace ?? ""} ${a.name}  ${a.kind === "UserExtra" || a.kind === "UID" ? "authentication.k8s.io/v1" : ""}  ${a.key ?? ""}}`,
    );
    return { asks: out, error: `requested [${refs.join(" ")}] without impersonating a user` };
  }
  return { asks: out };
}

function unescapeKey(key: string): string {
  try {
    return decodeURIComponent(key);
  } catch {
    return key;
  }
}

function attributesFor(requestor: UserInfo, ask: Ask): Attributes {
  const core = ask.kind === "ServiceAccount" || ask.kind === "User" || ask.kind === "Group";
  const resource = {
    ServiceAccount: "serviceaccounts",
    User: "users",
    Group: "groups",
    UserExtra: "userextras",
    UID: "uids",
  }[ask.kind];
  return {
    user: requestor,
    verb: "impersonate",
    isResourceRequest: true,
    path: "",
    apiGroup: core ? "" : "authentication.k8s.io",
    apiVersion: core ? "" : "v1",
    namespace: ask.namespace ?? "",
    resource,
    subresource: ask.kind === "UserExtra" ? (ask.key ?? "") : "",
    name: ask.name,
  };
}

export function withImpersonation(authorizer: Authorizer | undefined): Filter {
  return (next) => async (req) => {
    const { asks: wanted, error } = asks(req.headers);
    if (error) {
      const uri = new URL(req.url);
      return new Response(`Internal Server Error: ${JSON.stringify(uri.pathname + uri.search)}: ${error}\n`, {
        status: 500,
        headers: { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff" },
      });
    }
    if (wanted.length === 0) return await next(req);
    const requestor = userOf(req);
    const groupsSpecified = req.headers.has(GROUP);
    let username = "";
    let uid = "";
    const groups: string[] = [];
    const extra: Record<string, string[]> = {};
    for (const ask of wanted) {
      const attrs = attributesFor(requestor, ask);
      switch (ask.kind) {
        case "ServiceAccount":
          username = serviceAccountUsername(ask.namespace ?? "", ask.name);
          if (!groupsSpecified) groups.push(...serviceAccountGroups(ask.namespace ?? ""));
          break;
        case "User":
          username = ask.name;
          break;
        case "Group":
          groups.push(ask.name);
          break;
        case "UserExtra":
          extra[ask.key ?? ""] = [...(extra[ask.key ?? ""] ?? []), ask.name];
          break;
        case "UID":
          uid = ask.name;
          break;
      }
      const decision = authorizer ? await authorizer.authorize(attrs) : { decision: "allow" as const };
      if (decision.decision !== "allow") return forbiddenResponse(attrs, decision.reason);
    }
    if (username !== USERS.anonymous) {
      if (!groups.some((g) => g === GROUPS.authenticated || g === GROUPS.unauthenticated)) {
        groups.push(GROUPS.authenticated);
      }
    } else if (!groups.includes(GROUPS.unauthenticated)) {
      groups.push(GROUPS.unauthenticated);
    }
    const user: UserInfo = { username, groups };
    if (uid) user.uid = uid;
    if (Object.keys(extra).length > 0) user.extra = extra;
    const ctx = contextOf(req);
    ctx.authenticatedUser ??= requestor;
    ctx.user = user;
    for (const header of [...req.headers.keys()]) {
      if (header === USER || header === GROUP || header === UID || header.startsWith(EXTRA))
        req.headers.delete(header);
    }
    return await next(req);
  };
}
