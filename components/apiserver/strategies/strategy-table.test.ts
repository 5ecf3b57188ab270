import { describe, expect, test } from "bun:test";
import { RESOURCES } from "../../../lib/api/resources.ts";
import type { KObject, Stored } from "../registry/object.ts";
import { created } from "./strategy-harness.ts";
import { strategyFor, supportedFields } from "./strategy-table.ts";

const ctx = { now: new Date(0), subresource: "" };

/** Bodies of every wrong shape a client can send. */
const GARBAGE: unknown[] = [
  null,
  1,
  "x",
  [],
  {},
  { spec: null },
  { spec: "x" },
  { spec: [] },
  { spec: { template: "x", selector: 3, containers: {}, ports: "80", rules: 1, versions: "v1" } },
  {
    spec: {
      template: {
        spec: {
          containers: [null, 1, { ports: "x", env: {}, volumeMounts: 5, resources: [] }],
          volumes: [1],
        },
      },
    },
  },
  { spec: { jobTemplate: { spec: { template: [] } }, schedule: 5 } },
  {
    data: "x",
    binaryData: [],
    stringData: 3,
    subsets: {},
    endpoints: "x",
    rules: {},
    roleRef: "x",
    subjects: {},
  },
  { status: "x", metadata: { name: "n", labels: "x" } },
];

describe("strategyFor", () => {
  test("every served kind has a strategy; unknown groups get the custom resource one", () => {
    for (const r of RESOURCES) expect(strategyFor(r.group, r.kind)).toBeDefined();
    expect(strategyFor("apps", "Deployment").generation).toBe(true);
    expect(strategyFor("", "ComponentStatus")).toEqual({});
    expect(strategyFor("stable.example.com", "CronTab")).toEqual({ generation: true });
  });

  test("no strategy throws on malformed bodies", () => {
    for (const r of RESOURCES) {
      const s = strategyFor(r.group, r.kind);
      for (const g of GARBAGE) {
        const body = (
          typeof g === "object" && g !== null && !Array.isArray(g) ? structuredClone(g) : { spec: g }
        ) as KObject;
        let obj: Stored | undefined;
        expect(() => {
          obj = created(s, body);
        }).not.toThrow();
        if (!obj) continue;
        const o = obj;
        expect(() => s.validate?.(o)).not.toThrow();
        expect(() => s.validateUpdate?.(o, created(s, { metadata: { name: "old" } }))).not.toThrow();
        expect(() => s.validateUpdate?.(created(s, { metadata: { name: "old" } }), o)).not.toThrow();
        expect(() => s.prepareForUpdate?.(structuredClone(o), o, ctx)).not.toThrow();
        expect(() => s.fields?.(o)).not.toThrow();
        expect(() => s.gracePeriod?.(o, undefined)).not.toThrow();
      }
    }
  });
});

describe("supportedFields", () => {
  test("match the keys each strategy's fields() returns", () => {
    for (const r of RESOURCES) {
      const s = strategyFor(r.group, r.kind);
      const obj = created(s, { metadata: { name: "x" } });
      const keys = Object.keys(s.fields?.(obj) ?? {}).sort();
      expect(supportedFields(r.group, r.kind).slice(2).sort()).toEqual(keys);
    }
  });

  test("always include the metadata fields", () => {
    expect(supportedFields("", "ConfigMap")).toEqual(["metadata.name", "metadata.namespace"]);
    expect(supportedFields("", "Pod")).toContain("spec.nodeName");
    expect(supportedFields("", "Event")).toContain("involvedObject.uid");
  });
});
