import { describe, expect, test } from "bun:test";
import { decodeKubernetesProtobuf } from "./decode-kubernetes-protobuf.ts";
import { encodeKubernetesProtobuf } from "./encode-kubernetes-protobuf.ts";
import { concat, int, kubernetesBody, msg, str } from "./hand-built-protobuf.ts";
import { ProtobufError } from "./protobuf-error.ts";

/** A pod touching most of what the schema knows: pointers set to zero, inline sources, int64s. */
const pod = {
  kind: "Pod",
  apiVersion: "v1",
  metadata: {
    name: "web",
    namespace: "default",
    uid: "6f1c",
    resourceVersion: "42",
    generation: 3,
    creationTimestamp: "2024-05-01T12:00:00Z",
    deletionTimestamp: "2024-05-01T12:05:00Z",
    deletionGracePeriodSeconds: 0,
    labels: { app: "web", tier: "front" },
    annotations: { note: "x" },
    ownerReferences: [
      {
        apiVersion: "apps/v1",
        kind: "ReplicaSet",
        name: "web-1",
        uid: "9a",
        controller: true,
        blockOwnerDeletion: false,
      },
    ],
    finalizers: ["example.com/hold"],
    managedFields: [
      {
        manager: "kubectl",
        operation: "Apply",
        apiVersion: "v1",
        time: "2024-05-01T12:00:00Z",
        fieldsType: "FieldsV1",
        fieldsV1: { "f:metadata": { "f:labels": { "f:app": {} } } },
      },
    ],
  },
  spec: {
    volumes: [
      {
        name: "cfg",
        configMap: {
          name: "cfg",
          items: [{ key: "a", path: "a.txt", mode: 0 }],
          defaultMode: 420,
          optional: false,
        },
      },
      { name: "scratch", emptyDir: { medium: "Memory", sizeLimit: "64Mi" } },
      { name: "host", hostPath: { path: "/var/log", type: "" } },
      {
        name: "token",
        projected: {
          sources: [{ serviceAccountToken: { audience: "api", expirationSeconds: 3600, path: "token" } }],
          defaultMode: 420,
        },
      },
      { name: "data", persistentVolumeClaim: { claimName: "data" } },
    ],
    initContainers: [{ name: "init", image: "busybox", command: ["sh", "-c", "true"], resources: {} }],
    containers: [
      {
        name: "app",
        image: "nginx:1.25",
        args: ["--port", "8080"],
        workingDir: "/srv",
        ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }],
        envFrom: [{ prefix: "CFG_", configMapRef: { name: "cfg" } }],
        env: [
          { name: "PLAIN", value: "1" },
          { name: "POD", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "metadata.name" } } },
          { name: "CPU", valueFrom: { resourceFieldRef: { resource: "limits.cpu", divisor: "0" } } },
          { name: "PW", valueFrom: { secretKeyRef: { name: "s", key: "pw", optional: true } } },
        ],
        resources: { limits: { cpu: "500m", memory: "128Mi" }, requests: { cpu: "250m" } },
        volumeMounts: [{ name: "cfg", readOnly: true, mountPath: "/etc/cfg" }],
        livenessProbe: {
          httpGet: { path: "/healthz", port: "http", scheme: "HTTP" },
          initialDelaySeconds: 5,
          timeoutSeconds: 1,
          periodSeconds: 10,
          successThreshold: 1,
          failureThreshold: 3,
          terminationGracePeriodSeconds: 0,
        },
        readinessProbe: { tcpSocket: { port: 8080 }, timeoutSeconds: 1 },
        startupProbe: { exec: { command: ["cat", "/ready"] } },
        lifecycle: { preStop: { sleep: { seconds: 5 } } },
        terminationMessagePath: "/dev/termination-log",
        terminationMessagePolicy: "File",
        imagePullPolicy: "IfNotPresent",
        securityContext: {
          capabilities: { drop: ["ALL"] },
          privileged: false,
          runAsUser: 0,
          runAsNonRoot: false,
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          seccompProfile: { type: "RuntimeDefault" },
        },
        stdin: true,
        tty: true,
      },
    ],
    restartPolicy: "Always",
    terminationGracePeriodSeconds: 30,
    activeDeadlineSeconds: 0,
    dnsPolicy: "ClusterFirst",
    nodeSelector: { "kubernetes.io/os": "linux" },
    serviceAccountName: "default",
    serviceAccount: "default",
    automountServiceAccountToken: false,
    nodeName: "node1",
    hostNetwork: true,
    securityContext: { runAsUser: 1000, runAsGroup: 0, fsGroup: 2000, supplementalGroups: [1, 2] },
    imagePullSecrets: [{ name: "regcred" }],
    hostname: "web",
    subdomain: "svc",
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: "zone", operator: "In", values: ["a", "b"] }] }],
        },
      },
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          {
            weight: 100,
            podAffinityTerm: {
              labelSelector: { matchLabels: { app: "web" } },
              topologyKey: "kubernetes.io/hostname",
            },
          },
        ],
      },
    },
    schedulerName: "default-scheduler",
    tolerations: [
      { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 0 },
    ],
    hostAliases: [{ ip: "10.0.0.1", hostnames: ["db"] }],
    priorityClassName: "high",
    priority: 0,
    dnsConfig: { nameservers: ["1.1.1.1"], options: [{ name: "ndots", value: "2" }, { name: "edns0" }] },
    enableServiceLinks: true,
    preemptionPolicy: "PreemptLowerPriority",
    topologySpreadConstraints: [
      {
        maxSkew: 1,
        topologyKey: "zone",
        whenUnsatisfiable: "DoNotSchedule",
        labelSelector: { matchLabels: { app: "web" } },
        minDomains: 2,
      },
    ],
  },
  status: {
    phase: "Running",
    conditions: [
      { type: "Ready", status: "True", lastProbeTime: null, lastTransitionTime: "2024-05-01T12:01:00Z" },
    ],
    hostIP: "10.0.0.5",
    podIP: "10.244.1.7",
    podIPs: [{ ip: "10.244.1.7" }],
    startTime: "2024-05-01T12:00:30Z",
    containerStatuses: [
      {
        name: "app",
        state: { running: { startedAt: "2024-05-01T12:00:40Z" } },
        lastState: { terminated: { exitCode: 0, reason: "Completed", startedAt: null, finishedAt: null } },
        ready: true,
        restartCount: 0,
        image: "nginx:1.25",
        imageID: "",
        containerID: "containerd://abc",
        started: false,
      },
    ],
    qosClass: "Burstable",
  },
};

describe("encodeKubernetesProtobuf", () => {
  test("a rich Pod survives encode then decode unchanged", () => {
    const body = encodeKubernetesProtobuf("v1", "Pod", pod);
    expect(decodeKubernetesProtobuf(body).object).toEqual(pod);
  });

  test("writes every non-pointer field as Go does, pointers only when set", () => {
    const body = encodeKubernetesProtobuf("v1", "Namespace", {
      kind: "Namespace",
      apiVersion: "v1",
      metadata: { name: "ns1" },
    });
    const goMeta = msg(
      1,
      str(1, "ns1"),
      str(2, ""),
      str(3, ""),
      str(4, ""),
      str(5, ""),
      str(6, ""),
      int(7, 0),
    );
    expect(Buffer.from(body).toString("hex")).toBe(
      Buffer.from(kubernetesBody("v1", "Namespace", goMeta)).toString("hex"),
    );
  });

  test("the Eviction kubectl drain sends keeps gracePeriodSeconds 0", () => {
    const eviction = {
      kind: "Eviction",
      apiVersion: "policy/v1",
      metadata: { name: "p1", namespace: "default", creationTimestamp: null },
      deleteOptions: { gracePeriodSeconds: 0 },
    };
    const decoded = decodeKubernetesProtobuf(encodeKubernetesProtobuf("policy/v1", "Eviction", eviction));
    expect(decoded.object).toEqual(eviction);
  });

  test("autoscaling/v2 HorizontalPodAutoscaler with metrics and behavior round trips", () => {
    const hpa = {
      kind: "HorizontalPodAutoscaler",
      apiVersion: "autoscaling/v2",
      metadata: { name: "web", creationTimestamp: null },
      spec: {
        scaleTargetRef: { kind: "Deployment", name: "web", apiVersion: "apps/v1" },
        minReplicas: 1,
        maxReplicas: 10,
        metrics: [
          {
            type: "Resource",
            resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 0 } },
          },
          {
            type: "Pods",
            pods: { metric: { name: "qps" }, target: { type: "AverageValue", averageValue: "1k" } },
          },
        ],
        behavior: {
          scaleDown: {
            stabilizationWindowSeconds: 0,
            selectPolicy: "Max",
            policies: [{ type: "Pods", value: 1, periodSeconds: 60 }],
          },
        },
      },
      status: { desiredReplicas: 0, currentMetrics: null, conditions: null },
    };
    const decoded = decodeKubernetesProtobuf(
      encodeKubernetesProtobuf("autoscaling/v2", "HorizontalPodAutoscaler", hpa),
    );
    expect(decoded.object).toEqual({ ...hpa, status: { desiredReplicas: 0 } });
  });

  test("refuses kinds without a schema and JSON of the wrong shape", () => {
    expect(() => encodeKubernetesProtobuf("v1", "Widget", {})).toThrow(ProtobufError);
    expect(() => encodeKubernetesProtobuf("apps/v1", "Deployment", { spec: { replicas: "3" } })).toThrow(
      "spec.replicas: expected an integer",
    );
    expect(() =>
      encodeKubernetesProtobuf("v1", "Pod", { metadata: { creationTimestamp: "yesterday" } }),
    ).toThrow("metadata.creationTimestamp: expected an RFC3339 time");
  });

  test("bytes and int64 stay exact: base64 in, base64 out", () => {
    const secret = {
      kind: "Secret",
      apiVersion: "v1",
      metadata: { name: "s" },
      data: { b: "AAEC/w==", a: "" },
    };
    const decoded = decodeKubernetesProtobuf(encodeKubernetesProtobuf("v1", "Secret", secret)).object;
    expect(decoded.data).toEqual({ a: "", b: "AAEC/w==" });
    // Go sorts map keys on the wire.
    expect(Object.keys(decoded.data as object)).toEqual(["a", "b"]);
    const big = concat(msg(1, str(1, "p")), msg(2, int(4, 2 ** 40)));
    const decodedPod = decodeKubernetesProtobuf(kubernetesBody("v1", "Pod", big)).object;
    expect((decodedPod.spec as Record<string, unknown>).terminationGracePeriodSeconds).toBe(2 ** 40);
  });
});
