import { describe, expect, test } from "bun:test";
import { patchMetaFor } from "../patch/builtin-patch-meta.ts";
import type { JsonObject } from "../patch/json-value.ts";
import { fieldMeta } from "../patch/patch-meta.ts";
import { itemElement, pathString, removeAt, valueAt } from "./field-path.ts";

const pod = patchMetaFor("v1", "Pod");
const containers = fieldMeta(fieldMeta(pod, "spec"), "containers");
const ports = fieldMeta(containers, "ports");

describe("field paths", () => {
  test("item elements: list-map keys (sorted, with defaults), set values, indices", () => {
    expect(itemElement({ name: "a", image: "x" }, 0, containers)).toBe('k:{"name":"a"}');
    expect(itemElement({ containerPort: 80 }, 0, ports)).toBe('k:{"containerPort":80,"protocol":"TCP"}');
    expect(itemElement("x", 0, fieldMeta(fieldMeta(pod, "metadata"), "finalizers"))).toBe('v:"x"');
    expect(itemElement({ key: "a" }, 3, fieldMeta(fieldMeta(pod, "spec"), "tolerations"))).toBe("i:3");
  });

  test("upstream's text form", () => {
    expect(pathString(["f:spec", "f:replicas"])).toBe(".spec.replicas");
    expect(pathString(["f:spec", "f:containers", 'k:{"name":"a"}', "f:image"])).toBe(
      '.spec.containers[name="a"].image',
    );
    expect(pathString(["f:spec", "f:ports", 'k:{"port":80,"protocol":"TCP"}'])).toBe(
      '.spec.ports[port=80,protocol="TCP"]',
    );
    expect(pathString(["f:metadata", "f:finalizers", 'v:"x"'])).toBe('.metadata.finalizers[="x"]');
  });

  test("lookup and removal by key", () => {
    const obj: JsonObject = {
      spec: {
        containers: [
          { name: "a", image: "1", ports: [{ containerPort: 80, protocol: "TCP" }] },
          { name: "b", image: "2" },
        ],
      },
    };
    const path = [
      "f:spec",
      "f:containers",
      'k:{"name":"a"}',
      "f:ports",
      'k:{"containerPort":80,"protocol":"TCP"}',
    ];
    expect(valueAt(obj, path, pod)).toEqual({ containerPort: 80, protocol: "TCP" });
    expect(valueAt(obj, ["f:spec", "f:containers", 'k:{"name":"z"}'], pod)).toBeUndefined();
    removeAt(obj, ["f:spec", "f:containers", 'k:{"name":"b"}'], pod);
    removeAt(obj, ["f:spec", "f:containers", 'k:{"name":"a"}', "f:image"], pod);
    removeAt(obj, ["f:status", "f:phase"], pod);
    expect(obj).toEqual({
      spec: { containers: [{ name: "a", ports: [{ containerPort: 80, protocol: "TCP" }] }] },
    });
  });
});
