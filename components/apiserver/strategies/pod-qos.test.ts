import { expect, test } from "bun:test";
import { podQos } from "./pod-qos.ts";

const c = (resources: object) => ({ name: "c", image: "i", resources });

test("QoS classes", () => {
  expect(podQos({ containers: [c({})] })).toBe("BestEffort");
  expect(podQos(undefined)).toBe("BestEffort");
  expect(
    podQos({
      containers: [c({ requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } })],
    }),
  ).toBe("Guaranteed");
  expect(
    podQos({
      containers: [c({ requests: { cpu: "1000m", memory: "1Gi" }, limits: { cpu: "1", memory: "1024Mi" } })],
    }),
  ).toBe("Guaranteed");
  expect(podQos({ containers: [c({ limits: { cpu: "1" }, requests: { cpu: "1" } })] })).toBe("Burstable");
  expect(podQos({ containers: [c({ requests: { memory: "1Gi" } }), c({})] })).toBe("Burstable");
  expect(podQos({ containers: [c({ requests: { "example.com/gpu": "1" } })] })).toBe("BestEffort");
});
