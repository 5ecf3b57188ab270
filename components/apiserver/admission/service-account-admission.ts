// The ServiceAccount admission plugin for pod creates (upstream
// plugin/pkg/admission/serviceaccount/admission.go): default the account, require it to exist,
// copy its imagePullSecrets, and mount the kube-api-access-<5> projected volume (token, root CA,
// namespace) into every container unless automount is off. Mirror pods may reference none.
import type { Pod, ServiceAccount, Volume, VolumeMount } from "kubernetes-types/core/v1";
import { StatusError } from "../../../lib/errors/status-error.ts";

export const DEFAULT_SERVICE_ACCOUNT = "default";
export const DEFAULT_API_TOKEN_MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";
export const SERVICE_ACCOUNT_VOLUME_PREFIX = "kube-api-access-";
const MIRROR_ANNOTATION = "kubernetes.io/config.mirror";
/** utilrand.String's alphabet (no vowels, no confusable digits). */
const ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

export interface ServiceAccountAdmissionDeps {
  /** The account, or undefined when it does not exist. */
  getServiceAccount(namespace: string, name: string): Promise<ServiceAccount | undefined>;
  /** Random suffix source (tests pin it); default Math.random. */
  random?: () => number;
  /** Waits between lookups of a missing `default` account (the controller creates it soon). */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Whether a serviceaccount controller runs (kube-system's `default` account exists). When
   * none does (an apiserver and kubelets alone, as seeds 002/003), a pod whose `default`
   * account is missing is admitted at once without a token instead of refused after retries.
   */
  serviceAccountControllerRuns?(): Promise<boolean>;
}

/** upstream TokenVolumeSource(): what every kube-api-access volume projects. */
export function tokenVolume(name: string): Volume {
  return {
    name,
    projected: {
      defaultMode: 0o644,
      sources: [
        { serviceAccountToken: { path: "token", expirationSeconds: 3607 } },
        { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
        {
          downwardAPI: {
            items: [{ path: "namespace", fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" } }],
          },
        },
      ],
    },
  };
}

function forbidden(pod: Pod, why: string): StatusError {
  return StatusError.forbidden({ group: "", resource: "pods" }, pod.metadata?.name ?? "", why);
}

async function lookUp(
  deps: ServiceAccountAdmissionDeps,
  namespace: string,
  name: string,
): Promise<ServiceAccount | undefined> {
  // Upstream tries the default account 10 times (100-200 ms apart): a new namespace gets it
  // from the serviceaccount controller a moment after it is created.
  const attempts = name === DEFAULT_SERVICE_ACCOUNT ? 10 : 1;
  const sleep = deps.sleep ?? ((ms: number) => Bun.sleep(ms));
  for (let i = 0; i < attempts; i++) {
    if (i > 0) await sleep(100 + Math.floor((deps.random ?? Math.random)() * 100));
    const sa = await deps.getServiceAccount(namespace, name);
    if (sa) return sa;
    if (i === 0 && name === DEFAULT_SERVICE_ACCOUNT && deps.serviceAccountControllerRuns) {
      if (!(await deps.serviceAccountControllerRuns())) return undefined;
    }
  }
  throw new Error(`serviceaccount "${name}" not found`);
}

function mirrorChecks(pod: Pod): void {
  const spec = pod.spec;
  if (spec?.serviceAccountName) throw forbidden(pod, "a mirror pod may not reference service accounts");
  const containers = [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])];
  const secrets =
    (spec?.imagePullSecrets ?? []).length > 0 ||
    (spec?.volumes ?? []).some((v) => v.secret || v.projected?.sources?.some((s) => s.secret)) ||
    containers.some(
      (c) => c.envFrom?.some((e) => e.secretRef) || c.env?.some((e) => e.valueFrom?.secretKeyRef),
    );
  if (secrets) throw forbidden(pod, "a mirror pod may not reference secrets");
  if ((spec?.volumes ?? []).some((v) => v.projected?.sources?.some((s) => s.serviceAccountToken)))
    throw forbidden(pod, "a mirror pod may not use ServiceAccountToken volume projections");
}

const TRUE_VALUES = new Set(["1", "t", "T", "TRUE", "true", "True"]);

/** With `kubernetes.io/enforce-mountable-secrets: "true"` on the account, only its secrets may be used. */
function limitSecretReferences(sa: ServiceAccount, pod: Pod): string | undefined {
  if (!TRUE_VALUES.has(sa.metadata?.annotations?.["kubernetes.io/enforce-mountable-secrets"] ?? ""))
    return undefined;
  const name = sa.metadata?.name ?? "";
  const mountable = new Set((sa.secrets ?? []).map((s) => s.name));
  for (const volume of pod.spec?.volumes ?? []) {
    const secret = volume.secret?.secretName;
    if (secret !== undefined && !mountable.has(secret))
      return `volume with secret.secretName="${secret}" is not allowed because service account ${name} does not reference that secret`;
  }
  for (const [kind, containers] of [
    ["init container", pod.spec?.initContainers ?? []],
    ["container", pod.spec?.containers ?? []],
  ] as const) {
    for (const c of containers) {
      for (const env of c.env ?? []) {
        const ref = env.valueFrom?.secretKeyRef?.name;
        if (ref !== undefined && !mountable.has(ref))
          return `${kind} ${c.name} with envVar ${env.name} referencing secret.secretName="${ref}" is not allowed because service account ${name} does not reference that secret`;
      }
    }
  }
  const pull = new Set((sa.imagePullSecrets ?? []).map((s) => s.name));
  for (const [i, ref] of (pod.spec?.imagePullSecrets ?? []).entries()) {
    if (!pull.has(ref.name))
      return `imagePullSecrets[${i}].name="${ref.name}" is not allowed because service account ${name} does not reference that imagePullSecret`;
  }
  return undefined;
}

function shouldAutomount(sa: ServiceAccount, pod: Pod): boolean {
  return pod.spec?.automountServiceAccountToken ?? sa.automountServiceAccountToken ?? true;
}

function mountToken(pod: Pod, random: () => number): void {
  const spec = pod.spec;
  if (!spec) return;
  let volumeName = spec.volumes?.find((v) => v.name.startsWith(SERVICE_ACCOUNT_VOLUME_PREFIX))?.name;
  const hasVolume = volumeName !== undefined;
  volumeName ??=
    SERVICE_ACCOUNT_VOLUME_PREFIX +
    Array.from({ length: 5 }, () => ALPHANUMS[Math.floor(random() * ALPHANUMS.length)]).join("");
  const mount: VolumeMount = { name: volumeName, readOnly: true, mountPath: DEFAULT_API_TOKEN_MOUNT_PATH };
  let needed = false;
  for (const container of [...(spec.initContainers ?? []), ...spec.containers]) {
    if (container.volumeMounts?.some((m) => m.mountPath === DEFAULT_API_TOKEN_MOUNT_PATH)) continue;
    container.volumeMounts = [...(container.volumeMounts ?? []), { ...mount }];
    needed = true;
  }
  if (!hasVolume && needed) spec.volumes = [...(spec.volumes ?? []), tokenVolume(volumeName)];
}

/** Admits a pod create in `namespace`: mutates `pod` or throws a 403 StatusError. */
export async function admitServiceAccount(
  pod: Pod,
  namespace: string,
  deps: ServiceAccountAdmissionDeps,
): Promise<void> {
  if (pod.metadata?.annotations?.[MIRROR_ANNOTATION] !== undefined) {
    mirrorChecks(pod);
    return;
  }
  const spec = pod.spec;
  if (!spec) return;
  spec.serviceAccountName ||= DEFAULT_SERVICE_ACCOUNT;
  let sa: ServiceAccount;
  try {
    const found = await lookUp(deps, namespace, spec.serviceAccountName);
    if (!found) return; // no serviceaccount controller runs: admitted without a token
    sa = found;
  } catch (error) {
    throw forbidden(
      pod,
      `error looking up service account ${namespace}/${spec.serviceAccountName}: ${(error as Error).message}`,
    );
  }
  if (shouldAutomount(sa, pod)) mountToken(pod, deps.random ?? Math.random);
  if (!spec.imagePullSecrets?.length && sa.imagePullSecrets?.length)
    spec.imagePullSecrets = sa.imagePullSecrets.map((s) => ({ name: s.name ?? "" }));
  const refused = limitSecretReferences(sa, pod);
  if (refused) throw forbidden(pod, refused);
}
