import { expect, test } from "bun:test";
import { validateServiceSpec } from "./service-validation.ts";

const lines = (cs: { field?: string; message?: string }[]) => cs.map((c) => `${c.field}: ${c.message}`);

test("service spec details", () => {
  const base = { type: "ClusterIP", sessionAffinity: "None", internalTrafficPolicy: "Cluster" };
  expect(
    validateServiceSpec({ ...base, ports: [{ port: 80, protocol: "TCP", targetPort: "http" }] }),
  ).toEqual([]);
  expect(
    lines(
      validateServiceSpec({
        ...base,
        clusterIP: "300.1.1.1",
        externalTrafficPolicy: "Local",
        ports: [
          { name: "a", port: 80, protocol: "TCP", targetPort: "Bad_Name" },
          { name: "a", port: 80, protocol: "TCP", targetPort: 80 },
        ],
      }),
    ),
  ).toEqual([
    'spec.ports[0].targetPort: Invalid value: "Bad_Name": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
    'spec.ports[1].name: Duplicate value: "a"',
    'spec.ports[1]: Duplicate value: validation.portKey{port:80, protocol:"TCP"}',
    'spec.clusterIPs[0]: Invalid value: "300.1.1.1": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    'spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services',
  ]);
  expect(
    lines(
      validateServiceSpec({ type: "NodePort", clusterIP: "None", ports: [{ port: 1, protocol: "TCP" }] }),
    ),
  ).toEqual([`spec.clusterIPs[0]: Invalid value: "None": may not be set to 'None' for NodePort services`]);
});
