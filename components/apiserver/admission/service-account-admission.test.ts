// The ServiceAccount admission plugin as a function: the default account is retried while the
// controller creates it, an existing kube-api-access volume and existing mounts are kept, and
// mirror pods may reference no secrets.
import { expect, test } from "bun:test";
import type { Pod, ServiceAccount } from "kubernetes-types/core/v1";
import { StatusError } from "../../../lib/errors/status-error.ts";
import {
  admitServiceAccount,
  DEFAULT_API_TOKEN_MOUNT_PATH,
  tokenVolume,
} from "./service-account-admission.ts";

const pod = (spec: Partial<NonNullable<Pod["spec"]>> = {}): Pod => ({
  metadata: { name: "p", namespace: "ns" },
  spec: { containers: [{ name: "c" }], ...spec },
});
const account: ServiceAccount = { metadata: { name: "default", namespace: "ns", uid: "u" } };

test("the default account is looked up again (up to 10 times) before the pod is refused", async () => {
  let calls = 0;
  const sleeps: number[] = [];
  const p = pod();
  await admitServiceAccount(p, "ns", {
    getServiceAccount: async () => (++calls === 3 ? account : undefined),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0,
  });
  expect(calls).toBe(3);
  expect(sleeps).toEqual([100, 100]);
  expect(p.spec?.serviceAccountName).toBe("default");
  expect(p.spec?.volumes?.[0]?.name).toBe("kube-api-access-bbbbb");

  calls = 0;
  const refused = admitServiceAccount(pod(), "ns", {
    getServiceAccount: async () => {
      calls++;
      return undefined;
    },
    sleep: async () => {},
  });
  await expect(refused).rejects.toThrow(StatusError);
  await expect(refused).rejects.toThrow(
    'error looking up service account ns/default: serviceaccount "default" not found',
  );
  expect(calls).toBe(10);
});

test("an existing kube-api-access volume is reused; a container mounting the path is left alone", async () => {
  const p = pod({
    volumes: [tokenVolume("kube-api-access-mine1")],
    containers: [
      { name: "a" },
      { name: "b", volumeMounts: [{ name: "custom", mountPath: DEFAULT_API_TOKEN_MOUNT_PATH }] },
    ],
  });
  await admitServiceAccount(p, "ns", { getServiceAccount: async () => account });
  expect(p.spec?.volumes?.map((v) => v.name)).toEqual(["kube-api-access-mine1"]);
  expect(p.spec?.containers[0]?.volumeMounts).toEqual([
    { name: "kube-api-access-mine1", readOnly: true, mountPath: DEFAULT_API_TOKEN_MOUNT_PATH },
  ]);
  expect(p.spec?.containers[1]?.volumeMounts).toEqual([
    { name: "custom", mountPath: DEFAULT_API_TOKEN_MOUNT_PATH },
  ]);
});

test("no volume when every container already mounts the path; the pod's automount wins over the account's", async () => {
  const p = pod({
    containers: [{ name: "a", volumeMounts: [{ name: "x", mountPath: DEFAULT_API_TOKEN_MOUNT_PATH }] }],
  });
  await admitServiceAccount(p, "ns", { getServiceAccount: async () => account });
  expect(p.spec?.volumes).toBeUndefined();
  const on = pod({ automountServiceAccountToken: true });
  await admitServiceAccount(on, "ns", {
    getServiceAccount: async () => ({ ...account, automountServiceAccountToken: false }),
  });
  expect(on.spec?.volumes).toHaveLength(1);
});

test("mirror pods: no secrets of any kind, no token projections", async () => {
  const mirror = (spec: Partial<NonNullable<Pod["spec"]>>): Pod => ({
    metadata: { name: "m", annotations: { "kubernetes.io/config.mirror": "hash" } },
    spec: { containers: [{ name: "c" }], ...spec },
  });
  const deps = { getServiceAccount: async () => account };
  await admitServiceAccount(mirror({}), "ns", deps);
  await expect(
    admitServiceAccount(mirror({ volumes: [{ name: "s", secret: { secretName: "x" } }] }), "ns", deps),
  ).rejects.toThrow("a mirror pod may not reference secrets");
  await expect(
    admitServiceAccount(
      mirror({
        containers: [
          { name: "c", env: [{ name: "E", valueFrom: { secretKeyRef: { name: "x", key: "k" } } }] },
        ],
      }),
      "ns",
      deps,
    ),
  ).rejects.toThrow("a mirror pod may not reference secrets");
  await expect(
    admitServiceAccount(mirror({ volumes: [tokenVolume("kube-api-access-x")] }), "ns", deps),
  ).rejects.toThrow("a mirror pod may not use ServiceAccountToken volume projections");
});

test("an account with enforce-mountable-secrets allows only its own secrets", async () => {
  const strict: ServiceAccount = {
    metadata: { name: "strict", annotations: { "kubernetes.io/enforce-mountable-secrets": "true" } },
    secrets: [{ name: "mine" }],
  };
  const deps = { getServiceAccount: async () => strict };
  await admitServiceAccount(
    pod({ serviceAccountName: "strict", volumes: [{ name: "s", secret: { secretName: "mine" } }] }),
    "ns",
    deps,
  );
  await expect(
    admitServiceAccount(
      pod({ serviceAccountName: "strict", volumes: [{ name: "s", secret: { secretName: "theirs" } }] }),
      "ns",
      deps,
    ),
  ).rejects.toThrow(
    'pods "p" is forbidden: volume with secret.secretName="theirs" is not allowed because service account strict does not reference that secret',
  );
  await expect(
    admitServiceAccount(
      pod({
        serviceAccountName: "strict",
        containers: [
          { name: "c", env: [{ name: "E", valueFrom: { secretKeyRef: { name: "x", key: "k" } } }] },
        ],
      }),
      "ns",
      deps,
    ),
  ).rejects.toThrow('container c with envVar E referencing secret.secretName="x" is not allowed');
  await expect(
    admitServiceAccount(
      pod({ serviceAccountName: "strict", imagePullSecrets: [{ name: "reg" }] }),
      "ns",
      deps,
    ),
  ).rejects.toThrow(
    'imagePullSecrets[0].name="reg" is not allowed because service account strict does not reference that imagePullSecret',
  );
});

test("no serviceaccount controller (no kube-system/default): a missing default account admits at once, without a token", async () => {
  const p = pod();
  let sleeps = 0;
  await admitServiceAccount(p, "ns", {
    getServiceAccount: async () => undefined,
    serviceAccountControllerRuns: async () => false,
    sleep: async () => {
      sleeps++;
    },
  });
  expect(sleeps).toBe(0);
  expect(p.spec?.volumes).toBeUndefined();
  expect(p.spec?.serviceAccountName).toBe("default");
  // A named account that is missing is still refused, old namespace or not.
  const named = admitServiceAccount(pod({ serviceAccountName: "robot" }), "ns", {
    getServiceAccount: async () => undefined,
    serviceAccountControllerRuns: async () => false,
  });
  await expect(named).rejects.toThrow(
    'error looking up service account ns/robot: serviceaccount "robot" not found',
  );
  // With the controller running, a new namespace waits for its default account as upstream.
  let calls = 0;
  const young = pod();
  await admitServiceAccount(young, "ns", {
    getServiceAccount: async () => (++calls === 2 ? account : undefined),
    serviceAccountControllerRuns: async () => true,
    sleep: async () => undefined,
    random: () => 0,
  });
  expect(young.spec?.volumes?.[0]?.name).toBe("kube-api-access-bbbbb");
});
