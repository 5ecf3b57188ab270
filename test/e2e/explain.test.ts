// `kubectl explain` and client-side `kubectl apply` against kube apiserver: both read the
// OpenAPI v3 documents (schemas generated from kubernetes-types, patch extensions from the
// server's own patch facts). Asserts field names, types, descriptions and required markers.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestApiserver, type TestApiserver } from "../harness/apiserver.ts";
import { type Kubectl, kubectlBinary, kubectlFor } from "../harness/kubectl.ts";

const DEPLOYMENT = (image: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: explained
spec:
  replicas: 1
  selector: {matchLabels: {app: explained}}
  template:
    metadata: {labels: {app: explained}}
    spec:
      containers:
      - name: web
        image: ${image}
        ports: [{containerPort: 80}]
      - name: sidecar
        image: busybox
`;

describe.skipIf(!kubectlBinary())("kubectl explain against kube apiserver", () => {
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

  test("explain pods.spec.containers: the field, its item type's description, every field", async () => {
    const r = await kubectl(["explain", "pods.spec.containers"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toStartWith("KIND:       Pod\nVERSION:    v1\n\nFIELD: containers <[]Container>\n");
    expect(r.stdout).toContain("DESCRIPTION:\n    List of containers belonging to the pod.");
    expect(r.stdout).toContain("A single application container that you want to run within a pod.");
    expect(r.stdout).toMatch(
      /^ {2}name\t<string> -required-\n {4}Name of the container specified as a DNS_LABEL\./m,
    );
    expect(r.stdout).toMatch(/^ {2}args\t<\[\]string>$/m);
    expect(r.stdout).toMatch(/^ {2}env\t<\[\]EnvVar>$/m);
    expect(r.stdout).toMatch(/^ {2}ports\t<\[\]ContainerPort>$/m);
    expect(r.stdout).toMatch(/^ {2}resources\t<ResourceRequirements>$/m);
    expect(r.stdout).toMatch(/^ {2}securityContext\t<SecurityContext>$/m);
    expect(r.stdout).toMatch(/^ {2}tty\t<boolean>$/m);
    expect(r.stdout).toMatch(/^ {2}terminationMessagePath\t<string>$/m);
  });

  test("explain deployment.spec.strategy --recursive: nested fields with their types", async () => {
    const r = await kubectl(["explain", "deployment.spec.strategy", "--recursive"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(
      [
        "GROUP:      apps",
        "KIND:       Deployment",
        "VERSION:    v1",
        "",
        "FIELD: strategy <DeploymentStrategy>",
        "",
        "",
        "DESCRIPTION:",
        "    The deployment strategy to use to replace existing pods with new ones.",
        "    DeploymentStrategy describes how to replace existing pods with new ones.",
        "    ",
        "FIELDS:",
        "  rollingUpdate\t<RollingUpdateDeployment>",
        "    maxSurge\t<IntOrString>",
        "    maxUnavailable\t<IntOrString>",
        "  type\t<string>",
        "",
        "",
      ].join("\n"),
    );
  });

  test("explain scalars and maps: integer, Quantity, map types", async () => {
    const replicas = await kubectl(["explain", "deploy.spec.replicas"]);
    expect(replicas.stdout).toContain("FIELD: replicas <integer>");
    expect(replicas.stdout).toContain("Number of desired pods.");
    const limits = await kubectl(["explain", "pods.spec.containers.resources.limits"]);
    expect(limits.stdout).toContain("FIELD: limits <map[string]Quantity>");
    const labels = await kubectl(["explain", "pods.metadata.labels"]);
    expect(labels.stdout).toContain("FIELD: labels <map[string]string>");
    const time = await kubectl(["explain", "pods.metadata.creationTimestamp"]);
    expect(time.stdout).toContain("FIELD: creationTimestamp <string>");
  });

  test("explain of a kind in another group and of a missing field", async () => {
    const cj = await kubectl(["explain", "cronjobs.spec.jobTemplate.spec.backoffLimit"]);
    expect(cj.stdout).toStartWith(
      "GROUP:      batch\nKIND:       CronJob\nVERSION:    v1\n\nFIELD: backoffLimit <integer>",
    );
    const missing = await kubectl(["explain", "pods.spec.nope"]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('field "nope" does not exist');
  });

  test("client-side apply computes its patch from the v3 schemas without warnings", async () => {
    const first = await kubectl(["apply", "-f", kubectl.file("d1.yaml", DEPLOYMENT("nginx:1.26"))]);
    expect(first.stderr).toBe("");
    expect(first.stdout).toBe("deployment.apps/explained created\n");
    const second = await kubectl(["apply", "-f", kubectl.file("d2.yaml", DEPLOYMENT("nginx:1.27"))]);
    expect(second.stderr).toBe("");
    expect(second.stdout).toBe("deployment.apps/explained configured\n");
    const images = await kubectl([
      "get",
      "deploy",
      "explained",
      "-o",
      "jsonpath={.spec.template.spec.containers[*].name}={.spec.template.spec.containers[*].image}",
    ]);
    expect(images.stdout).toBe("web sidecar=nginx:1.27 busybox");
  });
});
