// startApiserver's `security` hook with RBAC: the access reviews ask the authorizer and writes
// of roles are checked for escalation (an in-process caller without the role's rules is 403).
import { expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildAuthorizer } from "../../components/apiserver/authz/union.ts";
import { startApiserver } from "../../components/apiserver/server.ts";
import { ApiClient } from "../../lib/client/api-client.ts";
import { StatusError } from "../../lib/errors/status-error.ts";
import { openSqliteKV } from "../../storage/sqlite/sqlite-kv.ts";

test("RBAC from the security hook: escalation checks and reviews", async () => {
  const dir = mkdtempSync(join(tmpdir(), "kt-authz-wiring-"));
  const kv = await openSqliteKV({ dataDir: dir });
  const apiserver = await startApiserver({
    kv,
    compactionIntervalMs: 0,
    security: async ({ registry }) => {
      const authz = await buildAuthorizer(["Node", "RBAC"], { registry });
      return {
        filters: [],
        authorizer: authz.authorizer,
        ...(authz.rbac ? { rbac: authz.rbac } : {}),
        stop: authz.stop,
      };
    },
  });
  try {
    const bob = new ApiClient({
      server: "http://kt",
      fetch: apiserver.handlerFor({ username: "bob", groups: ["system:authenticated"] }),
    });
    const err = await bob
      .create("/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles", {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "Role",
        metadata: { name: "kt-r" },
        rules: [{ verbs: ["get"], apiGroups: [""], resources: ["secrets"] }],
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StatusError);
    expect((err as StatusError).message).toContain(
      "is attempting to grant RBAC permissions not currently held",
    );
    const review = await bob.create<{ status: { allowed: boolean } }>(
      "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
      {
        apiVersion: "authorization.k8s.io/v1",
        kind: "SelfSubjectAccessReview",
        spec: { resourceAttributes: { verb: "get", resource: "secrets", namespace: "default" } },
      },
    );
    expect(review.status.allowed).toBe(false);
  } finally {
    await apiserver.stop();
    await kv.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
