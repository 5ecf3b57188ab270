// What the kubelet writes into configMap, secret, downwardAPI and projected volumes, as one
// payload per volume for the atomic writer (upstream pkg/volume/{configmap,secret,downwardapi,
// projected} MakePayload/collectData). serviceAccountToken sources ask TokenRequest for a token
// bound to the pod; the earliest time a token needs renewing is returned with the payload.
import type {
  ConfigMap,
  Container,
  DownwardAPIVolumeFile,
  KeyToPath,
  Pod,
  Secret,
  ServiceAccountTokenProjection,
  Volume,
} from "kubernetes-types/core/v1";
import type { Payload } from "./atomic-writer.ts";
import { fieldPathValue, resourceFieldValue } from "./field-path.ts";
import type { ObjectSource } from "./object-source.ts";

export class VolumePayloadError extends Error {
  override name = "VolumePayloadError";
}

const DEFAULT_MODE = 0o644;
const DEFAULT_TOKEN_EXPIRATION_SECONDS = 3600;

export interface PayloadResult {
  payload: Payload;
  /** Epoch ms when a token in it should be fetched again; Infinity when none. */
  refreshAt: number;
}

export interface PayloadDeps {
  objects: ObjectSource;
  ips: { hostIP?: string; podIP?: string };
}

function keysPayload(
  payload: Payload,
  data: Map<string, Buffer>,
  items: KeyToPath[] | undefined,
  mode: number,
  optional: boolean,
  missingKey: (key: string) => string,
): void {
  if (!items?.length) {
    for (const [key, value] of data) payload.set(key, { data: value, mode });
    return;
  }
  for (const item of items) {
    const value = data.get(item.key);
    if (value === undefined) {
      if (optional) continue;
      throw new VolumePayloadError(missingKey(item.key));
    }
    payload.set(item.path, { data: value, mode: item.mode ?? mode });
  }
}

function configMapData(cm: ConfigMap | undefined): Map<string, Buffer> {
  const data = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(cm?.data ?? {})) data.set(k, Buffer.from(v));
  for (const [k, v] of Object.entries(cm?.binaryData ?? {})) data.set(k, Buffer.from(v, "base64"));
  return data;
}

function secretData(secret: Secret | undefined): Map<string, Buffer> {
  const data = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(secret?.data ?? {})) data.set(k, Buffer.from(v, "base64"));
  for (const [k, v] of Object.entries(secret?.stringData ?? {})) data.set(k, Buffer.from(v));
  return data;
}

async function configMapPayload(
  payload: Payload,
  deps: PayloadDeps,
  namespace: string,
  source: { name?: string; items?: KeyToPath[]; optional?: boolean },
  mode: number,
): Promise<void> {
  const cm = await deps.objects.configMap(namespace, source.name ?? "");
  if (!cm && !source.optional) throw new VolumePayloadError(`configmap "${source.name}" not found`);
  keysPayload(
    payload,
    configMapData(cm),
    source.items,
    mode,
    source.optional ?? false,
    (key) => `configmap references non-existent config key: ${key}`,
  );
}

async function secretPayload(
  payload: Payload,
  deps: PayloadDeps,
  namespace: string,
  source: { name?: string; items?: KeyToPath[]; optional?: boolean },
  mode: number,
): Promise<void> {
  const secret = await deps.objects.secret(namespace, source.name ?? "");
  if (!secret && !source.optional) throw new VolumePayloadError(`secret "${source.name}" not found`);
  keysPayload(
    payload,
    secretData(secret),
    source.items,
    mode,
    source.optional ?? false,
    (key) => `references non-existent secret key: ${key}`,
  );
}

function downwardPayload(
  payload: Payload,
  pod: Pod,
  deps: PayloadDeps,
  items: DownwardAPIVolumeFile[],
  mode: number,
): void {
  for (const item of items) {
    let value: string;
    if (item.fieldRef) {
      value = fieldPathValue(pod, item.fieldRef.fieldPath, deps.ips);
    } else if (item.resourceFieldRef) {
      const ref = item.resourceFieldRef;
      const container =
        pod.spec?.containers.find((c) => c.name === ref.containerName) ??
        (pod.spec?.containers[0] as Container);
      value = resourceFieldValue(container, ref.resource, ref.divisor as string | undefined);
    } else {
      continue;
    }
    payload.set(item.path, { data: value, mode: item.mode ?? mode });
  }
}

async function tokenPayload(
  payload: Payload,
  pod: Pod,
  deps: PayloadDeps,
  source: ServiceAccountTokenProjection,
  mode: number,
): Promise<number> {
  const fetch = deps.objects.serviceAccountToken;
  const account = pod.spec?.serviceAccountName ?? "";
  if (!fetch) throw new VolumePayloadError("failed to fetch token: the kubelet has no API server to ask");
  const issued = await fetch(pod.metadata?.namespace ?? "default", account, {
    ...(source.audience ? { audiences: [source.audience] } : {}),
    expirationSeconds: source.expirationSeconds ?? DEFAULT_TOKEN_EXPIRATION_SECONDS,
    boundObjectRef: {
      apiVersion: "v1",
      kind: "Pod",
      name: pod.metadata?.name ?? "",
      uid: pod.metadata?.uid ?? "",
    },
  });
  payload.set(source.path, { data: issued.token, mode });
  return issued.refreshAt.getTime();
}

/** The payload of an atomically written volume, or undefined for other kinds of volume. */
export async function volumePayload(
  pod: Pod,
  volume: Volume,
  deps: PayloadDeps,
): Promise<PayloadResult | undefined> {
  const ns = pod.metadata?.namespace ?? "default";
  const payload: Payload = new Map();
  let refreshAt = Number.POSITIVE_INFINITY;
  if (volume.configMap) {
    await configMapPayload(payload, deps, ns, volume.configMap, volume.configMap.defaultMode ?? DEFAULT_MODE);
  } else if (volume.secret) {
    const s = volume.secret;
    await secretPayload(payload, deps, ns, { ...s, name: s.secretName }, s.defaultMode ?? DEFAULT_MODE);
  } else if (volume.downwardAPI) {
    downwardPayload(
      payload,
      pod,
      deps,
      volume.downwardAPI.items ?? [],
      volume.downwardAPI.defaultMode ?? DEFAULT_MODE,
    );
  } else if (volume.projected) {
    const mode = volume.projected.defaultMode ?? DEFAULT_MODE;
    for (const source of volume.projected.sources ?? []) {
      if (source.configMap) await configMapPayload(payload, deps, ns, source.configMap, mode);
      else if (source.secret) await secretPayload(payload, deps, ns, source.secret, mode);
      else if (source.downwardAPI) downwardPayload(payload, pod, deps, source.downwardAPI.items ?? [], mode);
      else if (source.serviceAccountToken)
        refreshAt = Math.min(
          refreshAt,
          await tokenPayload(payload, pod, deps, source.serviceAccountToken, mode),
        );
      else if (source.clusterTrustBundle)
        throw new VolumePayloadError("clusterTrustBundle projections are not supported by kube's kubelet");
    }
  } else {
    return undefined;
  }
  return { payload, refreshAt };
}
