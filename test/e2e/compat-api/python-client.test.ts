// Debian's python3-kubernetes against the apiserver where it sends Python booleans ("True"):
// server-side apply with force_conflicts=True (query force=True) takes the field over, while
// the same apply without it is upstream's 409 conflict; watch=True streams events, not a list.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { startTestApiserver, type TestApiserver } from "../../harness/apiserver.ts";
import { runProcess } from "../../harness/run-process.ts";

const PYTHON = "/usr/bin/python3";
const HAVE_PYTHON = spawnSync(PYTHON, ["-c", "import kubernetes"]).status === 0;
let api: TestApiserver;

beforeAll(async () => {
  api = await startTestApiserver();
});

afterAll(async () => {
  await api?.stop();
});

const SCRIPT = `
import json, sys
from kubernetes import client, watch
from kubernetes.dynamic import DynamicClient
from kubernetes.client.rest import ApiException
c = client.Configuration()
c.host = sys.argv[1]
api = client.ApiClient(c)
dyn = DynamicClient(api)
cms = dyn.resources.get(api_version="v1", kind="ConfigMap")
# This client's REST layer sends an apply-patch+yaml body only when given it serialized.
body = lambda v: json.dumps({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "kt-py-apply"}, "data": {"k": v}})
NAME = dict(name="kt-py-apply", namespace="default")
out = {}
dyn.server_side_apply(cms, body=body("a"), field_manager="kt-a", **NAME)
try:
    dyn.server_side_apply(cms, body=body("b"), field_manager="kt-b", **NAME)
    out["conflict"] = None
except ApiException as e:
    out["conflict"] = [e.status, json.loads(e.body)["reason"]]
forced = dyn.server_side_apply(cms, body=body("b"), field_manager="kt-b", force_conflicts=True, **NAME)
out["forced"] = [forced.data["k"], sorted(f["manager"] for f in forced.metadata.managedFields)]
v1 = client.CoreV1Api(api)
out["watch"] = [[e["type"], e["object"].metadata.name] for e in watch.Watch().stream(v1.list_namespaced_config_map, "default", timeout_seconds=1)]
print(json.dumps(out))
`;

test.skipIf(!HAVE_PYTHON)(
  "force=True takes a conflicting field over; watch=True is a watch",
  async () => {
    const { stdout, stderr, code } = await runProcess([PYTHON, "-c", SCRIPT, api.url]);
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      conflict: [409, "Conflict"],
      forced: ["b", ["kt-b"]],
      watch: [["ADDED", "kt-py-apply"]],
    });
  },
  40_000,
);
