import { describe, expect, test } from "bun:test";
import type { KObject, Stored } from "../registry/object.ts";
import { podStrategy } from "./pod.ts";

const ctx = { now: new Date(0), subresource: "" };

function create(body: KObject): KObject {
  const obj = structuredClone(body);
  podStrategy.defaults?.(obj);
  podStrategy.prepareForCreate?.(obj, ctx);
  return obj;
}

const runBody: KObject = {
  kind: "Pod",
  apiVersion: "v1",
  metadata: {
    name: "nginx",
    creationTimestamp: null,
    labels: { run: "nginx" },
  } as unknown as KObject["metadata"],
  spec: {
    containers: [{ name: "nginx", image: "nginx", resources: {} }],
    restartPolicy: "Always",
    dnsPolicy: "ClusterFirst",
  },
  status: {},
};

describe("pod defaulting", () => {
  test("kubectl run nginx --image=nginx comes out as a v1.32 cluster stores it", () => {
    const obj = create(runBody);
    expect(obj.spec).toEqual({
      containers: [
        {
          name: "nginx",
          image: "nginx",
          imagePullPolicy: "Always",
          resources: {},
          terminationMessagePath: "/dev/termination-log",
          terminationMessagePolicy: "File",
        },
      ],
      dnsPolicy: "ClusterFirst",
      enableServiceLinks: true,
      preemptionPolicy: "PreemptLowerPriority",
      priority: 0,
      restartPolicy: "Always",
      schedulerName: "default-scheduler",
      securityContext: {},
      terminationGracePeriodSeconds: 30,
      tolerations: [
        {
          effect: "NoExecute",
          key: "node.kubernetes.io/not-ready",
          operator: "Exists",
          tolerationSeconds: 300,
        },
        {
          effect: "NoExecute",
          key: "node.kubernetes.io/unreachable",
          operator: "Exists",
          tolerationSeconds: 300,
        },
      ],
    });
    expect(obj.status).toEqual({ phase: "Pending", qosClass: "BestEffort" });
    expect(podStrategy.validate?.(obj)).toEqual([]);
  });

  test("ports, probes, env fieldRef, volumes and pull policy by tag", () => {
    const obj = create({
      spec: {
        containers: [
          {
            name: "web",
            image: "nginx:1.27",
            ports: [{ containerPort: 80 }],
            livenessProbe: { httpGet: { port: 80 } },
            env: [{ name: "NODE", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } }],
            volumeMounts: [{ name: "cfg", mountPath: "/cfg" }],
            resources: { limits: { cpu: "1", memory: "1Gi" } },
          },
        ],
        volumes: [
          { name: "cfg", configMap: { name: "c" } },
          { name: "scratch" },
          { name: "h", hostPath: { path: "/x" } },
        ],
      },
    });
    const spec = obj.spec as Record<string, unknown>;
    const c = (spec.containers as Record<string, unknown>[])[0]!;
    expect(c.imagePullPolicy).toBe("IfNotPresent");
    expect(c.ports).toEqual([{ containerPort: 80, protocol: "TCP" }]);
    expect(c.livenessProbe).toEqual({
      httpGet: { port: 80, path: "/", scheme: "HTTP" },
      timeoutSeconds: 1,
      periodSeconds: 10,
      successThreshold: 1,
      failureThreshold: 3,
    });
    expect(c.env).toEqual([
      { name: "NODE", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "spec.nodeName" } } },
    ]);
    expect(c.resources).toEqual({
      limits: { cpu: "1", memory: "1Gi" },
      requests: { cpu: "1", memory: "1Gi" },
    });
    expect(spec.volumes).toEqual([
      { name: "cfg", configMap: { name: "c", defaultMode: 420 } },
      { name: "scratch", emptyDir: {} },
      { name: "h", hostPath: { path: "/x", type: "" } },
    ]);
    expect(obj.status).toEqual({ phase: "Pending", qosClass: "Guaranteed" });
    expect(podStrategy.validate?.(obj)).toEqual([]);
  });

  test("burstable QoS and system priority classes", () => {
    const obj = create({
      spec: {
        priorityClassName: "system-node-critical",
        containers: [{ name: "a", image: "a", resources: { requests: { cpu: "100m" } } }],
      },
    });
    expect((obj.status as Record<string, unknown>).qosClass).toBe("Burstable");
    expect((obj.spec as Record<string, unknown>).priority).toBe(2000001000);
  });

  test("wrong shapes do not throw", () => {
    for (const spec of ["x", 3, [], { containers: "x" }, { containers: [1, null, "y"] }, { volumes: {} }]) {
      const obj = create({ spec });
      expect(() => podStrategy.validate?.(obj)).not.toThrow();
      expect(podStrategy.validate?.(obj).length).toBeGreaterThan(0);
    }
  });
});

const messages = (obj: KObject) => podStrategy.validate?.(obj).map((c) => `${c.field}: ${c.message}`);

describe("pod validation", () => {
  test("image required", () => {
    const obj = create({ spec: { containers: [{ name: "a" }] } });
    expect(messages(obj)).toEqual(["spec.containers[0].image: Required value"]);
  });

  test("containers required", () => {
    expect(messages(create({ spec: {} }))).toEqual(["spec.containers: Required value"]);
  });

  test("enums, names, ports and mounts", () => {
    const obj = create({
      spec: {
        restartPolicy: "Sometimes",
        dnsPolicy: "Bad",
        containers: [
          {
            name: "Web",
            image: "x",
            imagePullPolicy: "Maybe",
            ports: [
              { containerPort: 70000, name: "a-very-long-port-name" },
              { containerPort: 0, protocol: "TCPX" },
            ],
            volumeMounts: [{ name: "missing", mountPath: "/m" }],
          },
          { name: "Web", image: "y" },
        ],
      },
    });
    expect(messages(obj)).toEqual([
      `spec.containers[0].name: Invalid value: "Web": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
      `spec.containers[0].ports[0].name: Invalid value: "a-very-long-port-name": must be no more than 15 characters`,
      "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
      "spec.containers[0].ports[1].containerPort: Required value",
      `spec.containers[0].ports[1].protocol: Unsupported value: "TCPX": supported values: "SCTP", "TCP", "UDP"`,
      `spec.containers[0].volumeMounts[0].name: Not found: "missing"`,
      `spec.containers[0].imagePullPolicy: Unsupported value: "Maybe": supported values: "Always", "IfNotPresent", "Never"`,
      `spec.containers[1].name: Invalid value: "Web": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
      `spec.containers[1].name: Duplicate value: "Web"`,
      `spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"`,
      `spec.dnsPolicy: Unsupported value: "Bad": supported values: "ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"`,
    ]);
  });

  test("volumes: duplicates and more than one source", () => {
    const obj = create({
      spec: {
        containers: [{ name: "a", image: "a" }],
        volumes: [
          { name: "v", emptyDir: {}, hostPath: { path: "/x" } },
          { name: "v", secret: {} },
        ],
      },
    });
    expect(messages(obj)).toEqual([
      "spec.volumes[0].emptyDir: Forbidden: may not specify more than 1 volume type",
      `spec.volumes[1].name: Duplicate value: "v"`,
      "spec.volumes[1].secret.secretName: Required value",
    ]);
  });

  test("requests above limits and wrong types", () => {
    const obj = create({
      spec: {
        terminationGracePeriodSeconds: "thirty",
        containers: [{ name: "a", image: "a" }],
      },
    });
    expect(messages(obj)).toEqual([
      `spec.terminationGracePeriodSeconds: Invalid value: "thirty": must be of type integer`,
    ]);
    const over = create({
      spec: {
        containers: [{ name: "a", image: "a", resources: { requests: { cpu: "2" }, limits: { cpu: "1" } } }],
      },
    });
    expect(messages(over)).toEqual([
      `spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1`,
    ]);
  });
});

describe("pod update, fields and grace period", () => {
  const stored = () => {
    const obj = create(runBody) as Stored;
    obj.metadata = { name: "nginx" };
    return obj;
  };

  test("image may change, ports may not", () => {
    const old = stored();
    const next = structuredClone(old);
    ((next.spec as Record<string, unknown>).containers as Record<string, unknown>[])[0]!.image = "nginx:2";
    expect(podStrategy.validateUpdate?.(next, old)).toEqual([]);
    ((next.spec as Record<string, unknown>).containers as Record<string, unknown>[])[0]!.ports = [
      { containerPort: 80, protocol: "TCP" },
    ];
    const causes = podStrategy.validateUpdate?.(next, old) ?? [];
    expect(causes.map((c) => c.field)).toEqual(["spec"]);
    expect(causes[0]?.message).toStartWith(
      "Forbidden: pod updates may not change fields other than `spec.containers[*].image`",
    );
  });

  test("nodeName may not change through an update", () => {
    const old = stored();
    const next = structuredClone(old);
    (next.spec as Record<string, unknown>).nodeName = "n1";
    expect(podStrategy.validateUpdate?.(next, old)?.[0]?.field).toBe("spec");
  });

  test("field selector values", () => {
    const obj = stored();
    expect(podStrategy.fields?.(obj)).toEqual({
      "spec.nodeName": "",
      "spec.restartPolicy": "Always",
      "spec.schedulerName": "default-scheduler",
      "spec.serviceAccountName": "",
      "spec.hostNetwork": "false",
      "status.phase": "Pending",
      "status.podIP": "",
      "status.nominatedNodeName": "",
    });
  });

  test("grace period", () => {
    const obj = stored();
    expect(podStrategy.gracePeriod?.(obj, undefined)).toBe(0);
    (obj.spec as Record<string, unknown>).nodeName = "n1";
    expect(podStrategy.gracePeriod?.(obj, undefined)).toBe(30);
    expect(podStrategy.gracePeriod?.(obj, 5)).toBe(5);
    expect(podStrategy.gracePeriod?.(obj, -3)).toBe(1);
    (obj.status as Record<string, unknown>).phase = "Succeeded";
    expect(podStrategy.gracePeriod?.(obj, 5)).toBe(0);
  });
});

test("status addresses reported by a kubelet", () => {
  const obj = create(runBody);
  obj.status = {
    phase: "Running",
    podIP: "10.244.0.5",
    podIPs: [{ ip: "10.244.0.5" }, { ip: "bad" }],
    hostIPs: [{ ip: "10.0.0.1" }],
  };
  expect(messages(obj)).toEqual([
    'status.podIPs[1].ip: Invalid value: "bad": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
  ]);
});

test("a status write checks the status as ValidatePodStatusUpdate does, not the unchanged spec again", () => {
  const old = create(runBody) as Stored;
  const next = structuredClone(old);
  next.status = { phase: "Running", podIP: "10.244.0.5", podIPs: [{ ip: "10.244.0.5" }, { ip: "bad" }] };
  const found = (podStrategy.validateStatusUpdate?.(next, old) ?? []).map((c) => `${c.field}: ${c.message}`);
  expect(found).toEqual([
    'status.podIPs[1].ip: Invalid value: "bad": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
  ]);
  next.status = { phase: "Running", podIP: "10.244.0.5", podIPs: [{ ip: "10.244.0.5" }] };
  expect(podStrategy.validateStatusUpdate?.(next, old)).toEqual([]);
  // A spec that differs from the stored one (no status write makes one) is validated in full.
  (next.spec as { containers: unknown[] }).containers = [];
  expect(podStrategy.validateStatusUpdate?.(next, old).map((c) => c.field)).toContain("spec.containers");
});
