import { describe, expect, test } from "bun:test";
import { StatusError } from "../../../lib/errors/status-error.ts";
import type { ResourceRequest } from "../api-context.ts";
import { buildAuthentication } from "../authn/build-authenticator.ts";
import { createTokenReview } from "./token-review.ts";

const ISSUER = "https://kubernetes.default.svc.cluster.local";
const auth = buildAuthentication({
  tokenAuthFile: { path: "t.csv", text: 'good,alice,uid-a,"devs"\n' },
  serviceAccountKeyPems: [],
  serviceAccountIssuers: [ISSUER],
  apiAudiences: [ISSUER],
  anonymousAuth: true,
  objects: { get: async () => undefined },
});

/** Only the part of a ResourceRequest a TokenReview reads. */
const request = (withReviewer = true) =>
  ({
    ctx: withReviewer
      ? { tokenReview: { authenticator: auth.authenticator, apiAudiences: auth.apiAudiences } }
      : {},
  }) as unknown as ResourceRequest;

async function review(
  spec: object,
  withReviewer = true,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await createTokenReview(request(withReviewer), { spec });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("TokenReview", () => {
  test("a good token: authenticated, the user (with system:authenticated) and the API audiences", async () => {
    expect(await review({ token: "good" })).toEqual({
      status: 201,
      body: {
        kind: "TokenReview",
        apiVersion: "authentication.k8s.io/v1",
        metadata: { creationTimestamp: null },
        spec: { token: "good" },
        status: {
          authenticated: true,
          user: { username: "alice", uid: "uid-a", groups: ["devs", "system:authenticated"] },
          audiences: [ISSUER],
        },
      },
    });
  });

  test("an unknown token: not authenticated, upstream's error, an empty user (never anonymous)", async () => {
    expect((await review({ token: "nope" })).body.status).toEqual({
      user: {},
      error: "invalid bearer token",
    });
  });

  test("audiences the token is not good for", async () => {
    expect((await review({ token: "good", audiences: ["vault"] })).body.status).toEqual({
      user: {},
      error: "invalid bearer token",
    });
    expect((await review({ token: "good", audiences: ["vault", ISSUER] })).body.status).toMatchObject({
      authenticated: true,
      audiences: [ISSUER],
    });
  });

  test("an empty token is 400, as upstream", async () => {
    const err = await createTokenReview(request(), { spec: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StatusError);
    expect((err as StatusError).status).toMatchObject({
      code: 400,
      reason: "BadRequest",
      message: "token is required for TokenReview in authentication",
    });
  });

  test("without an authenticator (insecure port only) the review comes back without status", async () => {
    expect((await review({ token: "good" }, false)).body.status).toBeUndefined();
  });
});
