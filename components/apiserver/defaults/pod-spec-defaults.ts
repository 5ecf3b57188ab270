// Defaulting of a PodSpec wherever it appears (pods and every pod template): upstream's
// SetDefaults_PodSpec, _Container, _Probe, _HTTPGetAction, _Volume and the volume sources,
// _ObjectFieldSelector, plus the declarative `+default` markers of k8s.io/api core/v1
// (pkg/apis/core/v1/defaults.go, zz_generated.defaults.go).

import { child, ensure, isObject, type JsonObject, objects, setDefault } from "../validation/json.ts";
import { volumeSources } from "../validation/volume-sources.ts";
import { defaultPullPolicy } from "./image-pull-policy.ts";

const CONTAINER_LISTS = ["initContainers", "containers", "ephemeralContainers"] as const;

function defaultHttpGet(handler: JsonObject | undefined): void {
  const get = child(handler, "httpGet");
  if (get) {
    setDefault(get, "path", "/");
    setDefault(get, "scheme", "HTTP");
  }
  const grpc = child(handler, "grpc");
  if (grpc && grpc.service === undefined) grpc.service = "";
}

function defaultProbe(probe: JsonObject | undefined): void {
  if (!probe) return;
  for (const [key, value] of [
    ["timeoutSeconds", 1],
    ["periodSeconds", 10],
    ["successThreshold", 1],
    ["failureThreshold", 3],
  ] as const) {
    if (probe[key] === undefined || probe[key] === null || probe[key] === 0) probe[key] = value;
  }
  defaultHttpGet(probe);
}

function defaultFieldRef(ref: JsonObject | undefined): void {
  if (ref) setDefault(ref, "apiVersion", "v1");
}

function defaultResourceFieldRef(ref: JsonObject | undefined): void {
  if (ref && (ref.divisor === undefined || ref.divisor === null)) ref.divisor = "0";
}

function defaultContainer(c: JsonObject): void {
  setDefault(c, "imagePullPolicy", defaultPullPolicy(c.image));
  setDefault(c, "terminationMessagePath", "/dev/termination-log");
  setDefault(c, "terminationMessagePolicy", "File");
  ensure(c, "resources");
  for (const [port] of objects(c, "ports")) setDefault(port, "protocol", "TCP");
  for (const key of ["livenessProbe", "readinessProbe", "startupProbe"]) defaultProbe(child(c, key));
  const lifecycle = child(c, "lifecycle");
  defaultHttpGet(child(lifecycle, "postStart"));
  defaultHttpGet(child(lifecycle, "preStop"));
  for (const [env] of objects(c, "env")) {
    const from = child(env, "valueFrom");
    defaultFieldRef(child(from, "fieldRef"));
    defaultResourceFieldRef(child(from, "resourceFieldRef"));
  }
}

function defaultDownwardItems(source: JsonObject | undefined): void {
  for (const [item] of objects(source, "items")) {
    defaultFieldRef(child(item, "fieldRef"));
    defaultResourceFieldRef(child(item, "resourceFieldRef"));
  }
}

function defaultVolume(v: JsonObject): void {
  if (volumeSources(v).length === 0) v.emptyDir = {};
  for (const key of ["secret", "configMap", "downwardAPI", "projected"]) {
    const src = child(v, key);
    if (src && (src.defaultMode === undefined || src.defaultMode === null)) src.defaultMode = 420;
  }
  defaultDownwardItems(child(v, "downwardAPI"));
  for (const [p] of objects(child(v, "projected"), "sources")) {
    defaultDownwardItems(child(p, "downwardAPI"));
    const token = child(p, "serviceAccountToken");
    if (token && (token.expirationSeconds === undefined || token.expirationSeconds === null)) {
      token.expirationSeconds = 3600;
    }
  }
  const hostPath = child(v, "hostPath");
  if (hostPath && (hostPath.type === undefined || hostPath.type === null)) hostPath.type = "";
  const iscsi = child(v, "iscsi");
  if (iscsi) setDefault(iscsi, "iscsiInterface", "default");
  const rbd = child(v, "rbd");
  if (rbd) {
    setDefault(rbd, "pool", "rbd");
    setDefault(rbd, "user", "admin");
    setDefault(rbd, "keyring", "/etc/ceph/keyring");
  }
  const azureDisk = child(v, "azureDisk");
  if (azureDisk) {
    setDefault(azureDisk, "cachingMode", "ReadWrite");
    setDefault(azureDisk, "fsType", "ext4");
    setDefault(azureDisk, "readOnly", false);
    setDefault(azureDisk, "kind", "Shared");
  }
  const claimSpec = child(child(child(v, "ephemeral"), "volumeClaimTemplate"), "spec");
  if (claimSpec) setDefault(claimSpec, "volumeMode", "Filesystem");
}

/** SetDefaults_PodSpec and everything nested in it; skips parts of the wrong JSON type. */
export function defaultPodSpec(spec: JsonObject): void {
  setDefault(spec, "dnsPolicy", "ClusterFirst");
  setDefault(spec, "restartPolicy", "Always");
  ensure(spec, "securityContext");
  if (spec.terminationGracePeriodSeconds === undefined || spec.terminationGracePeriodSeconds === null) {
    spec.terminationGracePeriodSeconds = 30;
  }
  setDefault(spec, "schedulerName", "default-scheduler");
  // v1's deprecated serviceAccount mirrors serviceAccountName (Convert_v1_PodSpec_To_core_PodSpec and back).
  if (typeof spec.serviceAccountName === "string" && spec.serviceAccountName !== "") {
    spec.serviceAccount = spec.serviceAccountName;
  } else if (typeof spec.serviceAccount === "string" && spec.serviceAccount !== "") {
    spec.serviceAccountName = spec.serviceAccount;
  }
  for (const list of CONTAINER_LISTS) for (const [c] of objects(spec, list)) defaultContainer(c);
  for (const [v] of objects(spec, "volumes")) defaultVolume(v);
}

/** SetDefaults_Pod: what only a Pod (not a template) gets. */
export function defaultPodOnly(spec: JsonObject): void {
  for (const list of ["containers", "initContainers"]) {
    for (const [c] of objects(spec, list)) {
      const resources = child(c, "resources");
      const limits = child(resources, "limits");
      if (!resources || !limits) continue;
      const requests = ensure(resources, "requests");
      if (!requests) continue;
      for (const [k, v] of Object.entries(limits)) if (!(k in requests)) requests[k] = v;
    }
  }
  if (spec.enableServiceLinks === undefined || spec.enableServiceLinks === null)
    spec.enableServiceLinks = true;
  if (spec.hostNetwork === true) {
    for (const list of ["containers", "initContainers"]) {
      for (const [c] of objects(spec, list)) {
        for (const [port] of objects(c, "ports")) {
          if (isObject(port) && (port.hostPort === undefined || port.hostPort === 0))
            port.hostPort = port.containerPort;
        }
      }
    }
  }
}
