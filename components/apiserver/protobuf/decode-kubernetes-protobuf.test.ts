import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { decodeKubernetesProtobuf } from "./decode-kubernetes-protobuf.ts";
import { bytes, concat, entry, int, kubernetesBody, msg, str } from "./hand-built-protobuf.ts";
import { ProtobufError } from "./protobuf-error.ts";

/** ObjectMeta as Go writes it: every non-pointer field, creationTimestamp as an empty Time. */
function objectMeta(name: string, ...more: Uint8Array[]): Uint8Array {
  return msg(
    1,
    str(1, name),
    str(2, ""),
    str(3, ""),
    str(4, ""),
    str(5, ""),
    str(6, ""),
    int(7, 0),
    msg(8),
    ...more,
  );
}

function decodeError(body: Uint8Array): ProtobufError {
  try {
    decodeKubernetesProtobuf(body);
  } catch (error) {
    if (error instanceof ProtobufError) return error;
    throw error;
  }
  throw new Error("expected a ProtobufError");
}

describe("decodeKubernetesProtobuf", () => {
  test("the SelfSubjectAccessReview of the spec's hex sample (kubectl auth can-i create pods)", () => {
    const raw = concat(
      objectMeta(""),
      // spec.resourceAttributes: namespace, verb, group, version, resource, subresource, name
      msg(
        2,
        msg(
          1,
          str(1, "default"),
          str(2, "create"),
          str(3, ""),
          str(4, ""),
          str(5, "pods"),
          str(6, ""),
          str(7, ""),
        ),
      ),
      // status: allowed false, reason "", evaluationError "", denied false
      msg(3, int(1, false), str(2, ""), str(3, ""), int(4, false)),
    );
    const body = kubernetesBody("authorization.k8s.io/v1", "SelfSubjectAccessReview", raw);
    expect(Buffer.from(body.subarray(0, 8)).toString("hex")).toBe("6b3873000a320a17");
    expect(raw.length).toBe(0x3f);
    const captured = readFileSync(join(import.meta.dir, "testdata", "auth-can-i.pb"));
    expect(Buffer.from(body).toString("hex")).toBe(captured.toString("hex"));
    expect(decodeKubernetesProtobuf(body)).toEqual({
      apiVersion: "authorization.k8s.io/v1",
      kind: "SelfSubjectAccessReview",
      object: {
        kind: "SelfSubjectAccessReview",
        apiVersion: "authorization.k8s.io/v1",
        metadata: { creationTimestamp: null },
        spec: { resourceAttributes: { namespace: "default", verb: "create", resource: "pods" } },
        status: { allowed: false },
      },
    });
  });

  test("a pointer int present on the wire survives as 0; an absent one vanishes", () => {
    // (selector is a pointer without omitempty: Go writes a nil one as null)
    // DeploymentSpec: replicas (pointer) = 0, minReadySeconds (value, omitempty) = 0, paused = false
    const zero = kubernetesBody(
      "apps/v1",
      "Deployment",
      concat(objectMeta("d"), msg(2, int(1, 0), int(5, 0), int(7, false))),
    );
    expect(decodeKubernetesProtobuf(zero).object.spec).toEqual({ replicas: 0, selector: null });
    const unset = kubernetesBody("apps/v1", "Deployment", concat(objectMeta("d"), msg(2, int(5, 0))));
    expect(decodeKubernetesProtobuf(unset).object.spec).toEqual({ selector: null });
  });

  test("times: an empty Time is null, others RFC3339 in UTC with whole seconds", () => {
    const created = msg(8, int(1, 1714564800), int(2, 123456789));
    const deleted = msg(9, int(1, 0), int(2, 0));
    const meta = msg(1, str(1, "p"), created, deleted, int(10, 0));
    const object = decodeKubernetesProtobuf(kubernetesBody("v1", "Pod", meta)).object;
    expect(object.metadata).toEqual({
      name: "p",
      creationTimestamp: "2024-05-01T12:00:00Z",
      deletionTimestamp: "1970-01-01T00:00:00Z",
      deletionGracePeriodSeconds: 0,
    });
    const zero = decodeKubernetesProtobuf(kubernetesBody("v1", "Pod", msg(1, str(1, "p"), msg(8)))).object;
    expect(zero.metadata).toEqual({ name: "p", creationTimestamp: null });
  });

  test("managedFields: FieldsV1 is embedded JSON, its time RFC3339", () => {
    const fields = new TextEncoder().encode('{"f:data":{"f:a":{}}}');
    const managed = msg(
      17,
      str(1, "kubectl"),
      str(2, "Update"),
      str(3, "v1"),
      msg(4, int(1, 1700000000)),
      str(6, "FieldsV1"),
      msg(7, bytes(1, fields)),
    );
    const object = decodeKubernetesProtobuf(
      kubernetesBody("v1", "ConfigMap", msg(1, str(1, "c"), managed)),
    ).object;
    expect(object.metadata).toEqual({
      name: "c",
      managedFields: [
        {
          manager: "kubectl",
          operation: "Update",
          apiVersion: "v1",
          time: "2023-11-14T22:13:20Z",
          fieldsType: "FieldsV1",
          fieldsV1: { "f:data": { "f:a": {} } },
        },
      ],
    });
  });

  test("Secret data (map<string, bytes>) becomes base64, binaryData too", () => {
    const data = msg(2, str(1, "pw"), bytes(2, Uint8Array.of(0, 1, 2, 255)));
    const secret = decodeKubernetesProtobuf(
      kubernetesBody("v1", "Secret", concat(objectMeta("s"), data, str(3, "Opaque"))),
    );
    expect(secret.object).toEqual({
      kind: "Secret",
      apiVersion: "v1",
      metadata: { name: "s", creationTimestamp: null },
      data: { pw: "AAEC/w==" },
      type: "Opaque",
    });
    const cm = decodeKubernetesProtobuf(
      kubernetesBody(
        "v1",
        "ConfigMap",
        concat(objectMeta("c"), entry(2, "a", "1"), msg(3, str(1, "b"), bytes(2, Uint8Array.of(104, 105)))),
      ),
    );
    expect(cm.object.data).toEqual({ a: "1" });
    expect(cm.object.binaryData).toEqual({ b: "aGk=" });
  });

  test('Quantity is its string (empty is "0"), IntOrString a number or a string', () => {
    const hard = concat(msg(1, str(1, "cpu"), msg(2, str(1, "500m"))), msg(1, str(1, "pods"), msg(2)));
    const quota = decodeKubernetesProtobuf(
      kubernetesBody("v1", "ResourceQuota", concat(objectMeta("q"), msg(2, hard))),
    );
    expect(quota.object.spec).toEqual({ hard: { cpu: "500m", pods: "0" } });
    const port = (target: Uint8Array) =>
      msg(1, str(1, ""), str(2, "TCP"), int(3, 80), msg(4, ...[target]), int(5, 0));
    const byNumber = msg(2, port(concat(int(1, 0), int(2, 8080), str(3, ""))));
    const byName = msg(2, port(concat(int(1, 1), int(2, 0), str(3, "http"))));
    const svc = (spec: Uint8Array) =>
      decodeKubernetesProtobuf(kubernetesBody("v1", "Service", concat(objectMeta("s"), spec))).object.spec;
    expect(svc(byNumber)).toEqual({ ports: [{ protocol: "TCP", port: 80, targetPort: 8080 }] });
    expect(svc(byName)).toEqual({ ports: [{ protocol: "TCP", port: 80, targetPort: "http" }] });
  });

  test("inline structs merge into their parent: volume sources, probe handlers, key selectors", () => {
    const volume = msg(1, str(1, "config"), msg(2, msg(19, msg(1, str(1, "app-config")), int(3, 420))));
    const probe = msg(
      10,
      msg(1, msg(2, str(1, "/healthz"), msg(2, int(1, 0), int(2, 8080), str(3, "")))),
      int(2, 0),
      int(3, 1),
    );
    const env = msg(7, str(1, "KEY"), str(2, ""), msg(3, msg(3, msg(1, str(1, "cm")), str(2, "k"))));
    const container = msg(2, str(1, "app"), str(2, "nginx"), env, probe);
    const pod = decodeKubernetesProtobuf(
      kubernetesBody("v1", "Pod", concat(objectMeta("p"), msg(2, volume, container, int(4, 30), int(5, 0)))),
    );
    expect(pod.object.spec).toEqual({
      volumes: [{ name: "config", configMap: { name: "app-config", defaultMode: 420 } }],
      containers: [
        {
          name: "app",
          image: "nginx",
          env: [{ name: "KEY", valueFrom: { configMapKeyRef: { name: "cm", key: "k" } } }],
          livenessProbe: { httpGet: { path: "/healthz", port: 8080 }, timeoutSeconds: 1 },
        },
      ],
      terminationGracePeriodSeconds: 30,
      activeDeadlineSeconds: 0,
    });
  });

  test("fields without omitempty are written even when zero; empty lists without omitempty are null", () => {
    const status = msg(3, int(1, 0), msg(2), int(3, 0), int(4, 0));
    const hpa = decodeKubernetesProtobuf(
      kubernetesBody("autoscaling/v1", "HorizontalPodAutoscaler", concat(objectMeta("h"), status)),
    );
    expect(hpa.object.status).toEqual({
      observedGeneration: 0,
      lastScaleTime: null,
      currentReplicas: 0,
      desiredReplicas: 0,
    });
    const role = decodeKubernetesProtobuf(
      kubernetesBody("rbac.authorization.k8s.io/v1", "ClusterRole", objectMeta("r")),
    );
    expect(role.object).toEqual({
      kind: "ClusterRole",
      apiVersion: "rbac.authorization.k8s.io/v1",
      metadata: { name: "r", creationTimestamp: null },
      rules: null,
    });
  });

  test("renamed fields (aPIVersion, uID) and wrapped string lists (ExtraValue)", () => {
    const token = decodeKubernetesProtobuf(
      kubernetesBody(
        "authentication.k8s.io/v1",
        "TokenRequest",
        concat(
          objectMeta(""),
          msg(
            2,
            str(1, "api"),
            msg(3, str(1, "Pod"), str(2, "v1"), str(3, "p1"), str(4, "uid-1")),
            int(4, 3600),
          ),
        ),
      ),
    );
    expect(token.object.spec).toEqual({
      audiences: ["api"],
      expirationSeconds: 3600,
      boundObjectRef: { kind: "Pod", apiVersion: "v1", name: "p1", uid: "uid-1" },
    });
    const extra = concat(
      msg(5, str(1, "scopes"), msg(2, str(1, "a"), str(1, "b"))),
      msg(5, str(1, "none"), msg(2)),
    );
    const sar = decodeKubernetesProtobuf(
      kubernetesBody("authorization.k8s.io/v1", "SubjectAccessReview", msg(2, str(3, "alice"), extra)),
    );
    expect(sar.object.spec).toEqual({ user: "alice", extra: { scopes: ["a", "b"], none: null } });
  });

  test("RawExtension holds embedded JSON", () => {
    const data = new TextEncoder().encode('{"spec":{"template":{"x":1}}}');
    const revision = decodeKubernetesProtobuf(
      kubernetesBody(
        "apps/v1",
        "ControllerRevision",
        concat(objectMeta("r"), msg(2, bytes(1, data)), int(3, 2)),
      ),
    );
    expect(revision.object.data).toEqual({ spec: { template: { x: 1 } } });
    expect(revision.object.revision).toBe(2);
  });

  test("DeleteOptions decodes under any served group/version, with pointer zeros kept", () => {
    const options = decodeKubernetesProtobuf(
      kubernetesBody("apps/v1", "DeleteOptions", concat(int(1, 0), str(4, "Foreground"))),
    );
    expect(options.object).toEqual({
      kind: "DeleteOptions",
      apiVersion: "apps/v1",
      gracePeriodSeconds: 0,
      propagationPolicy: "Foreground",
    });
  });

  test("unsupported kinds are a 415", () => {
    const unknownKind = decodeError(kubernetesBody("v1", "Widget", new Uint8Array()));
    expect(unknownKind.reason).toBe("UnsupportedKind");
    expect(unknownKind.code).toBe(415);
    expect(unknownKind.message).toContain('no kind "Widget" is registered for version "v1"');
    expect(decodeError(kubernetesBody("example.com/v1", "Deployment", new Uint8Array())).code).toBe(415);
    expect(decodeError(kubernetesBody("apps/v1", "PodSpec", new Uint8Array())).code).toBe(415);
    const gzip = concat(
      Uint8Array.of(0x6b, 0x38, 0x73, 0x00),
      msg(1, str(1, "v1"), str(2, "Pod")),
      bytes(2, new Uint8Array()),
      str(3, "gzip"),
    );
    expect(decodeError(gzip).code).toBe(415);
  });

  test("malformed bytes are a 400", () => {
    const wrongMagic = decodeError(new TextEncoder().encode('{"kind":"Pod"}'));
    expect(wrongMagic.reason).toBe("Malformed");
    expect(wrongMagic.code).toBe(400);
    expect(wrongMagic.message).toContain("magic");
    expect(decodeError(Uint8Array.of(0x6b, 0x38)).code).toBe(400);
    const good = kubernetesBody("apps/v1", "Deployment", concat(objectMeta("d"), msg(2, int(1, 3))));
    // Cut inside the envelope, and inside the object's raw bytes.
    expect(decodeError(good.subarray(0, 10)).code).toBe(400);
    const truncatedRaw = kubernetesBody(
      "apps/v1",
      "Deployment",
      concat(objectMeta("d"), msg(2, int(1, 3))).subarray(0, 12),
    );
    expect(decodeError(truncatedRaw).message).toContain("malformed protobuf Deployment");
    const badWireType = kubernetesBody("v1", "Namespace", Uint8Array.of(0x0f, 0x01));
    expect(decodeError(badWireType).code).toBe(400);
    expect(decodeError(kubernetesBody("", "Pod", new Uint8Array())).message).toContain("apiVersion");
    expect(decodeError(kubernetesBody("v1", "", new Uint8Array())).message).toContain("Kind");
    const notJson = kubernetesBody("apps/v1", "ControllerRevision", msg(2, bytes(1, Uint8Array.of(1, 2, 3))));
    expect(decodeError(notJson).message).toContain("RawExtension");
  });
});
