// A container's environment as upstream builds it (kubelet_pods.go makeEnvironmentVariables):
// envFrom first (ConfigMaps/Secrets, with prefix), then env in order, later entries winning,
// each value expanding `$(VAR)` references to variables defined before it or to the service
// variables, which fill in last wherever the container did not set the name itself.

import type { Container, Pod } from "kubernetes-types/core/v1";
import { isStaticPod } from "../sources/static-pod.ts";
import { expandVars } from "./container-argv.ts";
import { fieldPathValue, resourceFieldValue } from "./field-path.ts";
import type { ObjectSource } from "./object-source.ts";
import { serviceEnv, servicesForPod } from "./service-env.ts";

export class EnvError extends Error {
  override name = "EnvError";
}

export async function containerEnv(
  pod: Pod,
  container: Container,
  objects: ObjectSource,
  ips: { hostIP?: string; podIP?: string },
): Promise<Map<string, string>> {
  const ns = pod.metadata?.namespace ?? "default";
  const env = new Map<string, string>();
  const services = serviceEnv(
    servicesForPod(
      await objects.services({ waitForSync: !isStaticPod(pod) }),
      ns,
      pod.spec?.enableServiceLinks ?? true,
    ),
  );
  const lookup = (): Map<string, string> => (services.size ? new Map([...services, ...env]) : env);
  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? "";
    if (from.configMapRef) {
      const cm = await objects.configMap(ns, from.configMapRef.name ?? "");
      if (!cm && !from.configMapRef.optional)
        throw new EnvError(`configmap "${from.configMapRef.name}" not found`);
      for (const [k, v] of Object.entries(cm?.data ?? {})) env.set(prefix + k, v);
    }
    if (from.secretRef) {
      const secret = await objects.secret(ns, from.secretRef.name ?? "");
      if (!secret && !from.secretRef.optional)
        throw new EnvError(`secret "${from.secretRef.name}" not found`);
      for (const [k, v] of Object.entries(secret?.data ?? {})) env.set(prefix + k, decodeBase64(v));
    }
  }
  for (const item of container.env ?? []) {
    const source = item.valueFrom;
    if (!source) {
      env.set(item.name, expandVars(item.value ?? "", lookup()));
      continue;
    }
    if (source.fieldRef) env.set(item.name, fieldPathValue(pod, source.fieldRef.fieldPath, ips));
    else if (source.resourceFieldRef) {
      const named =
        pod.spec?.containers.find((c) => c.name === source.resourceFieldRef?.containerName) ?? container;
      env.set(
        item.name,
        resourceFieldValue(
          named,
          source.resourceFieldRef.resource,
          source.resourceFieldRef.divisor as string | undefined,
        ),
      );
    } else if (source.configMapKeyRef) {
      const ref = source.configMapKeyRef;
      const cm = await objects.configMap(ns, ref.name ?? "");
      const value = cm?.data?.[ref.key];
      if (value === undefined) {
        if (ref.optional) continue;
        throw new EnvError(
          cm
            ? `couldn't find key ${ref.key} in ConfigMap ${ns}/${ref.name}`
            : `configmap "${ref.name}" not found`,
        );
      }
      env.set(item.name, value);
    } else if (source.secretKeyRef) {
      const ref = source.secretKeyRef;
      const secret = await objects.secret(ns, ref.name ?? "");
      const value = secret?.data?.[ref.key];
      if (value === undefined) {
        if (ref.optional) continue;
        throw new EnvError(
          secret
            ? `couldn't find key ${ref.key} in Secret ${ns}/${ref.name}`
            : `secret "${ref.name}" not found`,
        );
      }
      env.set(item.name, decodeBase64(value));
    }
  }
  for (const [name, value] of services) if (!env.has(name)) env.set(name, value);
  return env;
}

function decodeBase64(value: string): string {
  return Buffer.from(value, "base64").toString("utf8");
}
