import { describe, expect, test } from "bun:test";
import type { UserInfo } from "../authn/user-info.ts";
import type { Attributes, Authorizer } from "../authz/authorizer.ts";
import { withImpersonation } from "./impersonation.ts";
import { contextOf, userOf } from "./request-context.ts";

const asked: Attributes[] = [];
/** admin may impersonate anything; ops may impersonate users but not groups. */
const authorizer: Authorizer = {
  authorize(a) {
    asked.push(a);
    if (a.user.username === "admin") return { decision: "allow" };
    if (a.user.username === "ops" && a.resource === "users") return { decision: "allow" };
    return { decision: "noOpinion" };
  },
};

const seen: { user?: UserInfo; authenticated?: UserInfo; headers?: string[] } = {};
const handler = withImpersonation(authorizer)(async (req) => {
  seen.user = userOf(req);
  const a = contextOf(req).authenticatedUser;
  if (a) seen.authenticated = a;
  seen.headers = [...req.headers.keys()].filter((h) => h.startsWith("impersonate"));
  return new Response("ok");
});

function req(requestor: string, headers: [string, string][]): Request {
  const h = new Headers();
  for (const [k, v] of headers) h.append(k, v);
  const r = new Request("https://kube/api/v1/pods", { headers: h });
  contextOf(r).user = { username: requestor, groups: ["system:authenticated"] };
  return r;
}

describe("withImpersonation", () => {
  test("no Impersonate-* headers: the request is unchanged", async () => {
    asked.length = 0;
    await handler(req("nobody", []));
    expect(seen.user?.username).toBe("nobody");
    expect(asked).toEqual([]);
  });

  test("user, groups, uid and extras: each checked, then the request runs as them", async () => {
    asked.length = 0;
    const res = await handler(
      req("admin", [
        ["Impersonate-User", "jane"],
        ["Impersonate-Group", "devs"],
        ["Impersonate-Group", "qa"],
        ["Impersonate-Uid", "u-1"],
        ["Impersonate-Extra-Scopes", "view"],
        ["Impersonate-Extra-Acme.com%2Fproject", "p1"],
      ]),
    );
    expect(res.status).toBe(200);
    expect(seen.user).toEqual({
      username: "jane",
      uid: "u-1",
      groups: ["devs", "qa", "system:authenticated"],
      extra: { "acme.com/project": ["p1"], scopes: ["view"] },
    });
    expect(seen.authenticated?.username).toBe("admin");
    expect(seen.headers).toEqual([]);
    expect(asked.map((a) => [a.verb, a.apiGroup, a.resource, a.subresource, a.name])).toEqual([
      ["impersonate", "", "users", "", "jane"],
      ["impersonate", "", "groups", "", "devs"],
      ["impersonate", "", "groups", "", "qa"],
      // Extras in header-name order (Go walks a map: any order).
      ["impersonate", "authentication.k8s.io", "userextras", "acme.com/project", "p1"],
      ["impersonate", "authentication.k8s.io", "userextras", "scopes", "view"],
      ["impersonate", "authentication.k8s.io", "uids", "", "u-1"],
    ]);
  });

  test("a ServiceAccount: checked as serviceaccounts in its namespace, with its groups", async () => {
    asked.length = 0;
    await handler(req("admin", [["Impersonate-User", "system:serviceaccount:kube-system:builder"]]));
    expect(asked[0]).toMatchObject({
      resource: "serviceaccounts",
      namespace: "kube-system",
      name: "builder",
    });
    expect(seen.user).toEqual({
      username: "system:serviceaccount:kube-system:builder",
      groups: ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"],
    });
  });

  test("impersonating anonymous adds system:unauthenticated instead", async () => {
    await handler(req("admin", [["Impersonate-User", "system:anonymous"]]));
    expect(seen.user).toEqual({ username: "system:anonymous", groups: ["system:unauthenticated"] });
  });

  test("denied: upstream's 403 for the first refused impersonation", async () => {
    const res = await handler(
      req("ops", [
        ["Impersonate-User", "jane"],
        ["Impersonate-Group", "system:masters"],
      ]),
    );
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message:
        'groups "system:masters" is forbidden: User "ops" cannot impersonate resource "groups" in API group "" at the cluster scope',
      reason: "Forbidden",
      details: { name: "system:masters", kind: "groups" },
      code: 403,
    });
    const other = await handler(req("nobody", [["Impersonate-User", "jane"]]));
    expect(((await other.json()) as { message: string }).message).toBe(
      'users "jane" is forbidden: User "nobody" cannot impersonate resource "users" in API group "" at the cluster scope',
    );
  });

  test("groups without a user is an error, as upstream (500)", async () => {
    const res = await handler(req("admin", [["Impersonate-Group", "devs"]]));
    expect(res.status).toBe(500);
    expect(await res.text()).toContain("without impersonating a user");
  });

  test("no authorizer (AlwaysAllow): impersonation is allowed", async () => {
    const open = withImpersonation(undefined)(async (r) => new Response(userOf(r).username));
    expect(await (await open(req("x", [["Impersonate-User", "root"]]))).text()).toBe("root");
  });
});
