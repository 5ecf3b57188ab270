// The RBAC policy reconcile at start writes through the resource store: a default role a user
// trimmed comes back with its rules, validated, with a managedFields entry of kube-apiserver,
// and a role marked autoupdate "false" is left alone.
import { expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApiClient } from "../../../lib/client/api-client.ts";
import { openSqliteKV } from "../../../storage/sqlite/sqlite-kv.ts";
import { startTestApiserver } from "../../../test/harness/apiserver.ts";

const ROLES = "/apis/rbac.authorization.k8s.io/v1/clusterroles";
const TRIMMED = "system:controller:deployment-controller";
const KEPT = "system:controller:replicaset-controller";

interface Role {
  metadata: {
    annotations?: Record<string, string>;
    managedFields?: { manager: string; operation: string; fieldsV1?: unknown }[];
    resourceVersion?: string;
  };
  rules?: unknown[];
}

test("a trimmed default ClusterRole is reconciled on restart through the store", async () => {
  const dir = mkdtempSync(join(tmpdir(), "kt-rbac-"));
  const kv = await openSqliteKV({ dataDir: dir });
  try {
    let api = await startTestApiserver({ kv });
    let client = new ApiClient({ server: api.url });
    const view = await client.get<Role>(`${ROLES}/${TRIMMED}`);
    const full = view.rules?.length ?? 0;
    expect(full).toBeGreaterThan(1);
    await client.update(`${ROLES}/${TRIMMED}`, { ...view, rules: view.rules?.slice(0, 1) });
    const edit = await client.get<Role>(`${ROLES}/${KEPT}`);
    await client.update(`${ROLES}/${KEPT}`, {
      ...edit,
      metadata: { ...edit.metadata, annotations: { "rbac.authorization.kubernetes.io/autoupdate": "false" } },
      rules: edit.rules?.slice(0, 1),
    });
    await api.stop();

    api = await startTestApiserver({ kv });
    client = new ApiClient({ server: api.url });
    const back = await client.get<Role>(`${ROLES}/${TRIMMED}`);
    expect(back.rules?.length).toBe(full);
    // The rules are kube-apiserver's again: the reconcile's write took them from the user's entry.
    const owners = (back.metadata.managedFields ?? [])
      .filter((f) => JSON.stringify(f.fieldsV1 ?? {}).includes('"f:rules"'))
      .map((f) => `${f.manager}/${f.operation}`);
    expect(owners).toEqual(["kube-apiserver/Update"]);
    expect((await client.get<Role>(`${ROLES}/${KEPT}`)).rules?.length).toBe(1);
    await api.stop();
  } finally {
    await kv.close();
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
