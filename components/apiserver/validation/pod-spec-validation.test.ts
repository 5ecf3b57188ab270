import { expect, test } from "bun:test";
import { validatePodSpec } from "./pod-spec-validation.ts";

const base = {
  containers: [{ name: "a", image: "a", imagePullPolicy: "Always", terminationMessagePolicy: "File" }],
  restartPolicy: "Always",
  dnsPolicy: "ClusterFirst",
};
const lines = (cs: { field?: string; message?: string }[]) => cs.map((c) => `${c.field}: ${c.message}`);

test("scheduling fields and tolerations", () => {
  expect(validatePodSpec("spec", base)).toEqual([]);
  expect(
    lines(
      validatePodSpec("spec", {
        ...base,
        nodeName: "Node_1",
        activeDeadlineSeconds: 0,
        tolerations: [
          { key: "k", operator: "Exists", value: "v" },
          { key: "k", operator: "Equal", effect: "NoSchedule", tolerationSeconds: 5 },
        ],
        dnsPolicy: "None",
      }),
    ),
  ).toEqual([
    "spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None",
    `spec.nodeName: Invalid value: "Node_1": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    "spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive",
    `spec.tolerations[0].operator: Invalid value: "v": value must be empty when \`operator\` is 'Exists'`,
    `spec.tolerations[1].effect: Invalid value: "NoSchedule": effect must be 'NoExecute' when \`tolerationSeconds\` is set`,
  ]);
  expect(
    lines(
      validatePodSpec(
        "spec",
        { ...base, restartPolicy: "Always" },
        { restartPolicies: ["OnFailure", "Never"] },
      ),
    ),
  ).toEqual(['spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"']);
});

test("host network ports", () => {
  const spec = {
    ...base,
    hostNetwork: true,
    containers: [{ ...base.containers[0], ports: [{ containerPort: 80, hostPort: 8080, protocol: "TCP" }] }],
  };
  expect(lines(validatePodSpec("spec", spec))).toEqual([
    "spec.containers[0].ports[0].containerPort: Invalid value: 80: must match `hostPort` when `hostNetwork` is true",
  ]);
});
