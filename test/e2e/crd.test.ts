// Custom resources through the real kubectl: a CRD is served at once (discovery, CRUD,
// printer columns, scale), its schema defaults, prunes and validates, and deleting the CRD
// removes its objects and its API.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { startTestApiserver, type TestApiserver } from "../harness/apiserver.ts";
import { type Kubectl, kubectlFor } from "../harness/kubectl.ts";

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: crontabs.stable.example.com}
spec:
  group: stable.example.com
  scope: Namespaced
  names: {plural: crontabs, singular: crontab, kind: CronTab, shortNames: [ct], categories: [all]}
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}, scale: {specReplicasPath: .spec.replicas, statusReplicasPath: .status.replicas}}
    additionalPrinterColumns:
    - {name: Spec, type: string, jsonPath: .spec.cronSpec}
    - {name: Replicas, type: integer, jsonPath: .spec.replicas}
    - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [cronSpec]
            properties:
              cronSpec: {type: string, pattern: '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$'}
              image: {type: string}
              replicas: {type: integer, minimum: 1, maximum: 10, default: 1}
          status: {type: object, properties: {replicas: {type: integer}}}
`;

let server: TestApiserver;
let kubectl: Kubectl;
beforeAll(async () => {
  server = await startTestApiserver();
  kubectl = kubectlFor(server.url);
});
afterAll(async () => {
  kubectl?.cleanup();
  await server?.stop();
});

test("a CRD serves its custom resources, and deleting it removes them", async () => {
  expect((await kubectl(["apply", "-f", kubectl.file("crd.yaml", CRD)])).stdout).toBe(
    "customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com created\n",
  );
  const established = await kubectl([
    "get",
    "crd",
    "crontabs.stable.example.com",
    "-o",
    'jsonpath={.status.conditions[?(@.type=="Established")].status}',
  ]);
  expect(established.stdout).toBe("True");
  const resources = await kubectl(["api-resources", "--api-group=stable.example.com"]);
  expect(resources.stdout).toMatch(/^crontabs\s+ct\s+stable\.example\.com\/v1\s+true\s+CronTab$/m);

  const ct = kubectl.file(
    "ct.yaml",
    'apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata: {name: my-cron}\nspec: {cronSpec: "* * * * */5", image: img, junk: x}\n',
  );
  expect((await kubectl(["apply", "-f", ct])).stdout).toBe("crontab.stable.example.com/my-cron created\n");
  const get = await kubectl(["get", "ct"]);
  expect(get.stdout).toMatch(/^NAME\s+SPEC\s+REPLICAS\s+AGE\nmy-cron\s+\* \* \* \* \*\/5\s+1\s+\d+s\n$/);
  const spec = await kubectl(["get", "crontab", "my-cron", "-o", "jsonpath={.spec}"]);
  expect(JSON.parse(spec.stdout)).toEqual({ cronSpec: "* * * * */5", image: "img", replicas: 1 });
  expect((await kubectl(["get", "crontab", "my-cron", "-o", "jsonpath={.metadata.generation}"])).stdout).toBe(
    "1",
  );

  const bad = kubectl.file(
    "bad.yaml",
    "apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata: {name: bad}\nspec: {replicas: 50}\n",
  );
  const invalid = await kubectl(["apply", "-f", bad]);
  expect(invalid.code).toBe(1);
  expect(invalid.stderr).toContain('The CronTab "bad" is invalid: ');
  expect(invalid.stderr).toContain("* spec.cronSpec: Required value");
  expect(invalid.stderr).toContain(
    "* spec.replicas: Invalid value: 50: spec.replicas in body should be less than or equal to 10",
  );

  expect((await kubectl(["scale", "ct/my-cron", "--replicas=3"])).stdout).toBe(
    "crontab.stable.example.com/my-cron scaled\n",
  );
  expect((await kubectl(["get", "ct", "my-cron", "-o", "jsonpath={.spec.replicas}"])).stdout).toBe("3");
  const status = await kubectl([
    "patch",
    "ct",
    "my-cron",
    "--subresource=status",
    "--type=merge",
    "-p",
    '{"status":{"replicas":3}}',
  ]);
  expect(status.stdout).toBe("crontab.stable.example.com/my-cron patched\n");
  expect((await kubectl(["get", "ct", "my-cron", "-o", "jsonpath={.metadata.generation}"])).stdout).toBe("2");

  expect((await kubectl(["delete", "crd", "crontabs.stable.example.com"])).stdout).toBe(
    'customresourcedefinition.apiextensions.k8s.io "crontabs.stable.example.com" deleted\n',
  );
  expect((await kubectl(["api-resources", "--api-group=stable.example.com"])).stdout).not.toContain(
    "crontabs",
  );
  const keys = await server.kv.range({
    key: new TextEncoder().encode("/registry/stable.example.com/"),
    end: new TextEncoder().encode("/registry/stable.example.com0"),
  });
  expect(keys.count).toBe(0);
}, 60_000);
