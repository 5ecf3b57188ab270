import { expect, test } from "bun:test";
import { validateContainerList } from "./container-validation.ts";

const base = { image: "a", imagePullPolicy: "IfNotPresent", terminationMessagePolicy: "File" };
const lines = (cs: { field?: string; message?: string }[]) => cs.map((c) => `${c.field}: ${c.message}`);

test("env, mounts and init container probes", () => {
  const names = new Set<string>();
  expect(
    lines(
      validateContainerList(
        "spec.initContainers",
        [
          {
            ...base,
            name: "init",
            env: [
              { name: "" },
              { name: "A=B" },
              { name: "X", value: "1", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
              { name: "Y", valueFrom: {} },
            ],
            volumeMounts: [
              { name: "v", mountPath: "/a" },
              { name: "v", mountPath: "/a" },
            ],
            livenessProbe: { exec: { command: ["x"] } },
          },
        ],
        "initContainers",
        names,
        new Set(["v"]),
      ),
    ),
  ).toEqual([
    "spec.initContainers[0].env[0].name: Required value",
    `spec.initContainers[0].env[1].name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than '='`,
    'spec.initContainers[0].env[2].valueFrom: Invalid value: "": may not be specified when `value` is not empty',
    'spec.initContainers[0].env[3].valueFrom: Invalid value: "": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`',
    'spec.initContainers[0].volumeMounts[1].mountPath: Invalid value: "/a": must be unique',
    "spec.initContainers[0].livenessProbe: Forbidden: may not be set for init containers without restartPolicy=Always",
  ]);
  expect(names.has("init")).toBe(true);
});

test("ephemeral containers may not have ports", () => {
  expect(
    lines(
      validateContainerList(
        "spec.ephemeralContainers",
        [{ ...base, name: "dbg", ports: [] }],
        "ephemeralContainers",
        new Set(),
        new Set(),
      ),
    ),
  ).toEqual(["spec.ephemeralContainers[0].ports: Forbidden: cannot be set for an Ephemeral Container"]);
});

test("envFrom", () => {
  expect(
    lines(
      validateContainerList(
        "c",
        [
          {
            ...base,
            name: "a",
            envFrom: [{ prefix: "A=", configMapRef: { name: "x" } }, {}, { secretRef: {} }],
          },
        ],
        "containers",
        new Set(),
        new Set(),
      ),
    ),
  ).toEqual([
    `c[0].envFrom[0].prefix: Invalid value: "A=": a valid environment variable name must consist only of printable ASCII characters other than '='`,
    'c[0].envFrom[1]: Invalid value: "": must specify one of: `configMapRef` or `secretRef`',
    "c[0].envFrom[2].secretRef.name: Required value",
  ]);
});
