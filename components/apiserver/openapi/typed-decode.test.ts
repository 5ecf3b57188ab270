import { expect, test } from "bun:test";
import { quantityProblem, typedDecode } from "./typed-decode.ts";

const pod = (spec: Record<string, unknown>) => ({ metadata: { name: "p" }, spec });

test("a value of the wrong JSON type is Go's first UnmarshalTypeError, with struct and field path", () => {
  expect(typedDecode("v1", "ConfigMap", { metadata: { name: 5 } }).mismatch).toMatchObject({
    value: "number",
    goType: "string",
    struct: "ObjectMeta",
    field: "metadata.name",
  });
  expect(typedDecode("v1", "ConfigMap", { metadata: { labels: ["a"] } }).mismatch).toMatchObject({
    value: "array",
    goType: "map[string]string",
    field: "metadata.labels",
  });
  // Map values and list items keep the field stack of the map or list field (no keys, no indexes).
  const inList = typedDecode("v1", "Pod", pod({ containers: [{ name: "c", image: 5 }] })).mismatch;
  expect(inList).toMatchObject({
    struct: "Container",
    field: "spec.containers.image",
    path: "spec.containers[0].image",
  });
  expect(typedDecode("v1", "ConfigMap", { data: { a: 1 } }).mismatch).toMatchObject({
    struct: "ConfigMap",
    field: "data",
    goType: "string",
  });
  expect(typedDecode("v1", "Pod", pod({ containers: "x" })).mismatch?.goType).toBe("[]v1.Container");
  expect(typedDecode("v1", "ConfigMap", { metadata: "x" }).mismatch?.goType).toBe("v1.ObjectMeta");
});

test("integers are checked against their Go width", () => {
  const deploy = (replicas: unknown) => ({ metadata: { name: "d" }, spec: { replicas } });
  expect(typedDecode("apps/v1", "Deployment", deploy(1099511627776)).mismatch).toMatchObject({
    value: "number 1099511627776",
    goType: "int32",
    field: "spec.replicas",
  });
  expect(typedDecode("apps/v1", "Deployment", deploy(1.5)).mismatch?.value).toBe("number 1.5");
  expect(typedDecode("apps/v1", "Deployment", deploy("3")).mismatch?.value).toBe("string");
  expect(typedDecode("apps/v1", "Deployment", deploy(2147483647)).mismatch).toBeUndefined();
  expect(typedDecode("apps/v1", "Deployment", deploy(null)).mismatch).toBeUndefined();
  expect(typedDecode("v1", "Pod", pod({ activeDeadlineSeconds: 2 ** 40 })).mismatch).toBeUndefined();
});

test("IntOrString, Quantity and Time take what their unmarshalers take", () => {
  const svc = (targetPort: unknown) => ({
    metadata: { name: "s" },
    spec: { ports: [{ port: 80, targetPort }] },
  });
  expect(typedDecode("v1", "Service", svc("http")).mismatch).toBeUndefined();
  expect(typedDecode("v1", "Service", svc(8080)).mismatch).toBeUndefined();
  expect(typedDecode("v1", "Service", svc(true)).mismatch).toMatchObject({
    value: "bool",
    goType: "int32",
    struct: "ServicePort",
    field: "spec.ports.targetPort",
  });
  expect(typedDecode("v1", "Service", svc(2 ** 40)).mismatch?.value).toBe("number 1099511627776");
  const limits = (cpu: unknown) =>
    pod({ containers: [{ name: "c", image: "i", resources: { limits: { cpu } } }] });
  expect(typedDecode("v1", "Pod", limits("100m")).mismatch).toBeUndefined();
  expect(typedDecode("v1", "Pod", limits(2)).mismatch).toBeUndefined();
  expect(typedDecode("v1", "Pod", limits("lots")).mismatch?.custom).toMatch(/quantities must match/);
  expect(typedDecode("v1", "ConfigMap", { metadata: { creationTimestamp: 5 } }).mismatch).toMatchObject({
    goType: "string",
    field: "metadata.creationTimestamp",
  });
  expect(
    typedDecode("v1", "ConfigMap", { metadata: { creationTimestamp: "yesterday" } }).mismatch?.custom,
  ).toMatch(/^parsing time "yesterday"/);
  expect(quantityProblem("1.5Gi")).toBeUndefined();
  expect(quantityProblem("1e3")).toBeUndefined();
  expect(quantityProblem("1.2.3")).toBe("unable to parse numeric part of quantity");
  expect(quantityProblem("1Qi")).toMatch(/quantities must match/);
  expect(quantityProblem("1kk")).toBe("unable to parse quantity's suffix");
});

test("unknown fields are reported in strict-decoding form and removed; opaque values are kept", () => {
  const body: Record<string, unknown> = {
    metadata: { name: "x", bogus: 1, managedFields: [{ fieldsV1: { "f:anything": {} } }] },
    spec: { x: 1 },
    data: { k: "v" },
  };
  const { unknown, mismatch } = typedDecode("v1", "ConfigMap", body);
  expect(mismatch).toBeUndefined();
  expect(unknown).toEqual(["metadata.bogus", "spec"]);
  expect(body).toEqual({
    metadata: { name: "x", managedFields: [{ fieldsV1: { "f:anything": {} } }] },
    data: { k: "v" },
  });
  const big: Record<string, unknown> = { metadata: { name: "b" }, extra: "x".repeat(3_000_000) };
  typedDecode("v1", "ConfigMap", big);
  expect(big).toEqual({ metadata: { name: "b" } });
});

test("a kind without a schema passes unchanged", () => {
  const body = { metadata: { name: 5 }, anything: true };
  expect(typedDecode("example.com/v1", "Widget", body)).toEqual({ mismatch: undefined, unknown: [] });
  expect(body.anything).toBe(true);
});
