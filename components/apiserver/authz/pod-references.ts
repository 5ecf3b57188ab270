// What a pod refers to that its node may read: Secrets, ConfigMaps, PersistentVolumeClaims and
// its ServiceAccount, as keys `<kind>:<namespace>/<name>`. Upstream: pkg/api/v1/pod/util.go
// (VisitPodSecretNames, VisitPodConfigmapNames) and the Node authorizer's graph_populator.go.
import type { Container, EnvFromSource, EnvVar, Pod, Volume } from "kubernetes-types/core/v1";

export type RefKind = "secret" | "configmap" | "pvc" | "serviceaccount";

export function refKey(kind: RefKind, namespace: string, name: string): string {
  return `${kind}:${namespace}/${name}`;
}

function secretRefName(ref: unknown): string | undefined {
  return (ref as { name?: string } | undefined)?.name;
}

function volumeRefs(
  v: Volume,
  podName: string,
  add: (kind: RefKind, name: string | undefined) => void,
): void {
  add("secret", v.secret?.secretName);
  add("configmap", v.configMap?.name);
  add("pvc", v.persistentVolumeClaim?.claimName);
  // A generic ephemeral volume's claim is named <pod>-<volume>.
  if (v.ephemeral) add("pvc", `${podName}-${v.name}`);
  for (const src of v.projected?.sources ?? []) {
    add("secret", src.secret?.name);
    add("configmap", src.configMap?.name);
  }
  add("secret", v.azureFile?.secretName);
  add("secret", secretRefName(v.cephfs?.secretRef));
  add("secret", secretRefName(v.cinder?.secretRef));
  add("secret", secretRefName(v.flexVolume?.secretRef));
  add("secret", secretRefName(v.iscsi?.secretRef));
  add("secret", secretRefName(v.rbd?.secretRef));
  add("secret", secretRefName(v.scaleIO?.secretRef));
  add("secret", secretRefName(v.storageos?.secretRef));
  add("secret", secretRefName(v.csi?.nodePublishSecretRef));
}

function containerRefs(c: Container, add: (kind: RefKind, name: string | undefined) => void): void {
  for (const e of (c.env ?? []) as EnvVar[]) {
    add("secret", e.valueFrom?.secretKeyRef?.name);
    add("configmap", e.valueFrom?.configMapKeyRef?.name);
  }
  for (const e of (c.envFrom ?? []) as EnvFromSource[]) {
    add("secret", e.secretRef?.name);
    add("configmap", e.configMapRef?.name);
  }
}

/** Every object the pod refers to, as refKey()s. */
export function podReferences(pod: Pod): string[] {
  const ns = pod.metadata?.namespace ?? "";
  const out = new Set<string>();
  const add = (kind: RefKind, name: string | undefined): void => {
    if (name) out.add(refKey(kind, ns, name));
  };
  const spec = pod.spec;
  if (!spec) return [];
  for (const s of spec.imagePullSecrets ?? []) add("secret", s.name);
  for (const c of [
    ...(spec.initContainers ?? []),
    ...spec.containers,
    ...((spec.ephemeralContainers ?? []) as Container[]),
  ])
    containerRefs(c, add);
  for (const v of spec.volumes ?? []) volumeRefs(v, pod.metadata?.name ?? "", add);
  add("serviceaccount", spec.serviceAccountName || spec.serviceAccount);
  return [...out];
}
