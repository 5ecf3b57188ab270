import { describe, expect, test } from "bun:test";
import type { Authenticator } from "../authn/authenticator.ts";
import { buildAuthentication } from "../authn/build-authenticator.ts";
import { withAuthentication } from "./authentication.ts";
import { contextOf, userOf } from "./request-context.ts";

const ISSUER = "https://kubernetes.default.svc.cluster.local";
const auth = buildAuthentication({
  tokenAuthFile: { path: "t.csv", text: "good,alice,1,dev\n" },
  serviceAccountKeyPems: [],
  serviceAccountIssuers: [ISSUER],
  apiAudiences: [ISSUER],
  anonymousAuth: false,
  objects: { get: async () => undefined },
});

/** The handler behind the filter: echoes who it saw and the Authorization header it got. */
const echo = withAuthentication({ authenticator: auth.authenticator, apiAudiences: [ISSUER] })(async (req) =>
  Response.json({ user: userOf(req).username, authorization: req.headers.get("authorization") }),
);

describe("withAuthentication", () => {
  test("a good token: the handler sees the user and no Authorization header", async () => {
    const res = await echo(new Request("https://kube/api", { headers: { Authorization: "Bearer good" } }));
    expect(await res.json()).toEqual({ user: "alice", authorization: null });
  });

  test("a bad token or none (anonymous off): upstream's 401 body, byte for byte", async () => {
    for (const headers of [{ Authorization: "Bearer bad" }, {}] as Record<string, string>[]) {
      const res = await echo(new Request("https://kube/api/v1/pods", { headers }));
      expect(res.status).toBe(401);
      expect(res.headers.get("content-type")).toBe("application/json");
      expect(await res.text()).toBe(
        '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}\n',
      );
    }
  });

  test("a caller whose user is already known skips authentication", async () => {
    const req = new Request("https://kube/api", { headers: { Authorization: "Bearer bad" } });
    contextOf(req).user = { username: "system:kube-scheduler", groups: [] };
    expect(await (await echo(req)).json()).toEqual({
      user: "system:kube-scheduler",
      authorization: "Bearer bad",
    });
  });

  test("a response whose audiences the API does not accept is refused", async () => {
    const foreign: Authenticator = {
      authenticate: () => ({ kind: "ok", user: { username: "x", groups: [] }, audiences: ["vault"] }),
    };
    const h = withAuthentication({ authenticator: foreign, apiAudiences: [ISSUER] })(
      async () => new Response("ok"),
    );
    expect((await h(new Request("https://kube/api"))).status).toBe(401);
  });
});
