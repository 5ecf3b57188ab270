// Validation of the containers of a PodSpec (init, regular and ephemeral): names, images,
// enums, ports, env, volume mounts, resources and probes. Upstream:
// pkg/apis/core/validation/validation.go validateContainers, validateContainerCommon,
// validateContainerPorts, ValidateEnv, ValidateVolumeMounts.
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import { envVarName } from "./env-var-name.ts";
import { duplicate, forbidden, invalid, notSupported, required } from "./field-errors.ts";
import { notFound } from "./field-errors-extra.ts";
import { child, isObject, type JsonObject } from "./json.ts";
import { dns1123Label } from "./names.ts";
import { portName, portNumber } from "./ports.ts";
import { validateHandler, validateProbe } from "./probe-validation.ts";
import { validateResources } from "./resource-requirements.ts";
import { validateContainerSecurityContext } from "./security-context-validation.ts";
import { checkFields, checkType } from "./type-checks.ts";

export type ContainerKind = "containers" | "initContainers" | "ephemeralContainers";

function validatePorts(path: string, ports: unknown): StatusCause[] {
  const out: StatusCause[] = [];
  if (ports === undefined || ports === null) return out;
  if (!Array.isArray(ports)) return checkType(path, ports, "array");
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const at = `${path}[${i}]`;
    if (!isObject(p)) {
      out.push(...checkType(at, p, "object"));
      return;
    }
    const typed = checkFields(at, p, {
      containerPort: "integer",
      hostPort: "integer",
      name: "string",
      protocol: "string",
      hostIP: "string",
    });
    if (typed.length) {
      out.push(...typed);
      return;
    }
    if (typeof p.name === "string" && p.name !== "") {
      out.push(...portName(`${at}.name`, p.name));
      if (names.has(p.name)) out.push(duplicate(`${at}.name`, p.name));
      names.add(p.name);
    }
    if (p.containerPort === undefined || p.containerPort === 0) out.push(required(`${at}.containerPort`));
    else out.push(...portNumber(`${at}.containerPort`, p.containerPort as number));
    if (typeof p.hostPort === "number" && p.hostPort !== 0)
      out.push(...portNumber(`${at}.hostPort`, p.hostPort));
    if (!p.protocol) out.push(required(`${at}.protocol`));
    else if (!["SCTP", "TCP", "UDP"].includes(p.protocol as string)) {
      out.push(notSupported(`${at}.protocol`, p.protocol, ["SCTP", "TCP", "UDP"]));
    }
  });
  return out;
}

function validateEnvSource(at: string, from: JsonObject): StatusCause[] {
  const sources = ["fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef"].filter(
    (k) => from[k] !== undefined && from[k] !== null,
  );
  if (sources.length === 0) {
    return [
      invalid(
        at,
        "",
        "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`",
      ),
    ];
  }
  if (sources.length > 1) return [invalid(at, "", "may not have more than one field specified at a time")];
  const out: StatusCause[] = [];
  const fieldRef = child(from, "fieldRef");
  if (fieldRef && !fieldRef.fieldPath) out.push(required(`${at}.fieldRef.fieldPath`));
  const resourceRef = child(from, "resourceFieldRef");
  if (resourceRef && !resourceRef.resource) out.push(required(`${at}.resourceFieldRef.resource`));
  for (const k of ["configMapKeyRef", "secretKeyRef"]) {
    const ref = child(from, k);
    if (ref && !ref.key) out.push(required(`${at}.${k}.key`));
  }
  return out;
}

function validateEnv(path: string, env: unknown): StatusCause[] {
  if (env === undefined || env === null) return [];
  if (!Array.isArray(env)) return checkType(path, env, "array");
  const out: StatusCause[] = [];
  env.forEach((e, i) => {
    const at = `${path}[${i}]`;
    if (!isObject(e)) {
      out.push(...checkType(at, e, "object"));
      return;
    }
    const typed = checkFields(at, e, { name: "string", value: "string", valueFrom: "object" });
    if (typed.length) {
      out.push(...typed);
      return;
    }
    if (!e.name) out.push(required(`${at}.name`));
    else out.push(...envVarName(`${at}.name`, e.name as string));
    const from = child(e, "valueFrom");
    if (from) {
      out.push(...validateEnvSource(`${at}.valueFrom`, from));
      if (e.value) out.push(invalid(`${at}.valueFrom`, "", "may not be specified when `value` is not empty"));
    }
  });
  return out;
}

function validateEnvFrom(path: string, sources: unknown): StatusCause[] {
  if (sources === undefined || sources === null) return [];
  if (!Array.isArray(sources)) return checkType(path, sources, "array");
  const out: StatusCause[] = [];
  sources.forEach((s, i) => {
    const at = `${path}[${i}]`;
    if (!isObject(s)) {
      out.push(...checkType(at, s, "object"));
      return;
    }
    if (typeof s.prefix === "string" && s.prefix !== "") out.push(...envVarName(`${at}.prefix`, s.prefix));
    const refs = ["configMapRef", "secretRef"].filter((k) => s[k] !== undefined && s[k] !== null);
    if (refs.length === 0) out.push(invalid(at, "", "must specify one of: `configMapRef` or `secretRef`"));
    else if (refs.length > 1)
      out.push(invalid(at, "", "may not have more than one field specified at a time"));
    for (const k of refs) if (!child(s, k)?.name) out.push(required(`${at}.${k}.name`));
  });
  return out;
}

function validateMounts(path: string, mounts: unknown, volumes: Set<string>): StatusCause[] {
  if (mounts === undefined || mounts === null) return [];
  if (!Array.isArray(mounts)) return checkType(path, mounts, "array");
  const out: StatusCause[] = [];
  const paths = new Set<string>();
  mounts.forEach((m, i) => {
    const at = `${path}[${i}]`;
    if (!isObject(m)) {
      out.push(...checkType(at, m, "object"));
      return;
    }
    const typed = checkFields(at, m, {
      name: "string",
      mountPath: "string",
      readOnly: "boolean",
      subPath: "string",
    });
    if (typed.length) {
      out.push(...typed);
      return;
    }
    const name = (m.name as string | undefined) ?? "";
    if (name === "") out.push(required(`${at}.name`));
    else if (!volumes.has(name)) out.push(notFound(`${at}.name`, name));
    const mountPath = (m.mountPath as string | undefined) ?? "";
    if (mountPath === "") out.push(required(`${at}.mountPath`));
    else if (paths.has(mountPath)) out.push(invalid(`${at}.mountPath`, mountPath, "must be unique"));
    paths.add(mountPath);
    if (typeof m.subPath === "string" && (m.subPath.startsWith("/") || m.subPath.split("/").includes(".."))) {
      out.push(invalid(`${at}.subPath`, m.subPath, "must be a relative path without '..'"));
    }
  });
  return out;
}

/** One container; `names` collects names across all container kinds for the uniqueness check. */
function validateContainer(
  at: string,
  c: JsonObject,
  kind: ContainerKind,
  names: Set<string>,
  volumes: Set<string>,
): StatusCause[] {
  const typed = checkFields(at, c, {
    name: "string",
    image: "string",
    imagePullPolicy: "string",
    terminationMessagePolicy: "string",
    terminationMessagePath: "string",
    command: "array",
    args: "array",
    workingDir: "string",
    resources: "object",
    stdin: "boolean",
    tty: "boolean",
    restartPolicy: "string",
  });
  if (typed.length) return typed;
  // Upstream's order: validateContainerCommon, then the duplicate check, then hooks and probes.
  const out: StatusCause[] = [];
  const name = (c.name as string | undefined) ?? "";
  if (name === "") out.push(required(`${at}.name`));
  else out.push(...dns1123Label(`${at}.name`, name));
  const image = (c.image as string | undefined) ?? "";
  if (image === "") out.push(required(`${at}.image`));
  else if (image.trim() !== image) {
    out.push(invalid(`${at}.image`, image, "must not have leading or trailing whitespace"));
  }
  const tmp = (c.terminationMessagePolicy as string | undefined) ?? "";
  if (tmp === "") out.push(required(`${at}.terminationMessagePolicy`));
  else if (tmp !== "File" && tmp !== "FallbackToLogsOnError") {
    out.push(notSupported(`${at}.terminationMessagePolicy`, tmp, ["File", "FallbackToLogsOnError"]));
  }
  if (kind === "ephemeralContainers" && c.ports !== undefined) {
    out.push(forbidden(`${at}.ports`, "cannot be set for an Ephemeral Container"));
  } else out.push(...validatePorts(`${at}.ports`, c.ports));
  out.push(...validateEnv(`${at}.env`, c.env));
  out.push(...validateEnvFrom(`${at}.envFrom`, c.envFrom));
  out.push(...validateMounts(`${at}.volumeMounts`, c.volumeMounts, volumes));
  const pull = (c.imagePullPolicy as string | undefined) ?? "";
  if (pull === "") out.push(required(`${at}.imagePullPolicy`));
  else if (!["Always", "IfNotPresent", "Never"].includes(pull)) {
    out.push(notSupported(`${at}.imagePullPolicy`, pull, ["Always", "IfNotPresent", "Never"]));
  }
  out.push(...validateResources(`${at}.resources`, child(c, "resources")));
  out.push(...validateContainerSecurityContext(`${at}.securityContext`, c.securityContext));
  if (name !== "") {
    if (names.has(name)) out.push(duplicate(`${at}.name`, name));
    names.add(name);
  }
  const sidecar = kind === "initContainers" && c.restartPolicy === "Always";
  if (kind === "initContainers" && c.restartPolicy !== undefined && c.restartPolicy !== "Always") {
    out.push(notSupported(`${at}.restartPolicy`, c.restartPolicy, ["Always"]));
  }
  for (const probe of ["livenessProbe", "readinessProbe", "startupProbe"]) {
    if (c[probe] === undefined || c[probe] === null) continue;
    if (kind === "ephemeralContainers")
      out.push(forbidden(`${at}.${probe}`, "cannot be set for an Ephemeral Container"));
    else if (kind === "initContainers" && !sidecar) {
      out.push(
        forbidden(`${at}.${probe}`, "may not be set for init containers without restartPolicy=Always"),
      );
    } else out.push(...validateProbe(`${at}.${probe}`, c[probe], probe === "livenessProbe"));
  }
  const lifecycle = child(c, "lifecycle");
  for (const hook of ["postStart", "preStop"]) {
    const h = child(lifecycle, hook);
    if (h) out.push(...validateHandler(`${at}.lifecycle.${hook}`, h));
  }
  return out;
}

export function validateContainerList(
  path: string,
  list: unknown,
  kind: ContainerKind,
  names: Set<string>,
  volumes: Set<string>,
): StatusCause[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) return checkType(path, list, "array");
  const out: StatusCause[] = [];
  list.forEach((c, i) => {
    const at = `${path}[${i}]`;
    if (!isObject(c)) out.push(...checkType(at, c, "object"));
    else out.push(...validateContainer(at, c, kind, names, volumes));
  });
  return out;
}
