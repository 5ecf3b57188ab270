// Starting one container of a pod (upstream kuberuntime_container.go startContainer): crash-loop
// and image-pull back-off, the image, environment and mounts, the runtime start, the Created and
// Started events and the postStart hook. Returns when the pod worker should look again.

import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Container, Pod, PodSecurityContext, SecurityContext } from "kubernetes-types/core/v1";
import { quantityValue } from "../../../lib/api/quantity.ts";
import type { Clock } from "../../../lib/clock/clock.ts";
import { ensureContainerImage } from "../images/container-image-pull.ts";
import type { ImageResolver } from "../images/image-resolver.ts";
import { imageHostFiles } from "../runtime/oci/image-files.ts";
import type { ContainerSecurity, ContainerStatus, Runtime, SandboxStatus } from "../runtime/runtime.ts";
import type { Backoff } from "./backoff.ts";
import { argvProblem, containerArgv } from "./container-argv.ts";
import { containerEnv } from "./container-env.ts";
import type { ContainerProbes } from "./container-probes.ts";
import { type DnsSettings, hostsFile, resolvConf } from "./etc-files.ts";
import type { PodEvents } from "./events.ts";
import { runHook } from "./lifecycle-hooks.ts";
import type { ObjectSource } from "./object-source.ts";
import type { Waiting } from "./pod-status.ts";
import { containerMounts, podDir } from "./pod-volumes.ts";

/** What a container start needs from its pod worker; the maps are the worker's own, updated here. */
export interface ContainerStartContext {
  pod: Pod;
  uid: string;
  runtime: Runtime;
  images: ImageResolver;
  objects: ObjectSource;
  rootDir: string;
  dns: DnsSettings;
  hostIP: string;
  backoff: Backoff;
  clock: Clock;
  event: PodEvents;
  probes: ContainerProbes;
  graceSeconds: number;
  /** Volume name to host path. */
  volumes: Map<string, string>;
  /** Why containers wait, by name (CrashLoopBackOff, ErrImagePull, ...). */
  waiting: Map<string, Waiting>;
  /** Image reference to resolved image ID. */
  imageIDs: Map<string, string>;
  /** Exited container IDs already counted into the crash-loop back-off. */
  countedExits: Set<string>;
}

/** Starts `spec` unless it is backing off; returns when to look again (Infinity: no need). */
export async function startContainerIfDue(
  ctx: ContainerStartContext,
  spec: Container,
  latest: ContainerStatus | undefined,
  sandbox: SandboxStatus,
  /** An ephemeral container's target (kubectl debug --target): share its PID namespace. */
  targetContainerId?: string,
): Promise<number> {
  const { backoff, event, waiting } = ctx;
  const key = `${ctx.uid}/${spec.name}`;
  const now = ctx.clock.now();
  if (latest?.state === "exited") {
    if (!ctx.countedExits.has(latest.id)) {
      ctx.countedExits.add(latest.id);
      const finished = latest.finishedAt?.getTime() ?? now;
      backoff.next(key, finished, finished - (latest.startedAt?.getTime() ?? finished));
    }
    const due = backoff.until(key);
    if (due > now) {
      const pod = `${ctx.pod.metadata?.name}_${ctx.pod.metadata?.namespace}(${ctx.uid})`;
      const message = `back-off ${goDuration(backoff.delay(key))} restarting failed container=${spec.name} pod=${pod}`;
      if (waiting.get(spec.name)?.reason !== "CrashLoopBackOff")
        event("Warning", "BackOff", `Back-off restarting failed container ${spec.name} in pod ${pod}`, spec);
      waiting.set(spec.name, { reason: "CrashLoopBackOff", message });
      return due;
    }
  }
  const pullKey = `${key}#pull`;
  const pullDue = backoff.until(pullKey);
  if (waiting.get(spec.name)?.reason === "ImagePullBackOff" && pullDue > now) return pullDue;
  const pull = { ...ctx, waiting, pullKey, now, firstStart: !latest };
  const image = await ensureContainerImage(pull, spec);
  if (typeof image === "number") return image;
  ctx.imageIDs.set(spec.image ?? "", image.imageID);
  let env: Map<string, string>;
  let mounts: ReturnType<typeof containerMounts>;
  try {
    env = await containerEnv(ctx.pod, spec, ctx.objects, { hostIP: ctx.hostIP, podIP: sandbox.ip });
    mounts = [...etcMounts(ctx, sandbox), ...containerMounts(spec, ctx.volumes)];
  } catch (error) {
    const message = (error as Error).message;
    if (waiting.get(spec.name)?.reason !== "CreateContainerConfigError")
      event("Warning", "Failed", `Error: ${message}`, spec);
    waiting.set(spec.name, { reason: "CreateContainerConfigError", message });
    return now + 5000;
  }
  const podSecurity = ctx.pod.spec?.securityContext;
  const security = { ...podSecurity, ...spec.securityContext };
  const limits = spec.resources?.limits ?? {};
  const requests = spec.resources?.requests ?? {};
  const argv = containerArgv(spec, image, env);
  // What the runtime could never exec (no command, NUL bytes, over ARG_MAX) waits as
  // CreateContainerError with the runtime's words, as a containerd CreateContainer failure does.
  const argvError = argvProblem(argv, [...env.entries()], randomBytes(32).toString("hex"));
  if (argvError !== undefined) {
    if (waiting.get(spec.name)?.reason !== "CreateContainerError")
      event("Warning", "Failed", `Error: ${argvError}`, spec);
    waiting.set(spec.name, { reason: "CreateContainerError", message: argvError });
    return backoff.next(`${key}#create`, now, 0);
  }
  const status = await ctx.runtime.startContainer({
    sandboxId: sandbox.id,
    name: spec.name,
    attempt: latest ? latest.attempt + 1 : 0,
    image: spec.image ?? "",
    argv,
    env: [...env.entries()],
    workingDir: spec.workingDir,
    runAsUser: security.runAsUser,
    runAsGroup: security.runAsGroup,
    mounts,
    stdin: spec.stdin ?? false,
    tty: spec.tty ?? false,
    memoryLimitBytes: limits.memory === undefined ? undefined : quantityValue(String(limits.memory)),
    cpuLimitMillis: millis(limits.cpu),
    cpuRequestMillis: millis(requests.cpu),
    labels: { "io.kubernetes.container.name": spec.name },
    ...(targetContainerId ? { targetContainerId } : {}),
    ...(image.rootfs !== undefined ? { rootfs: image.rootfs } : { imageFiles: imageHostFiles(image) }),
    security: containerSecurity(security, podSecurity),
  });
  if (status.reason === "CreateContainerError" || status.reason === "CreateContainerConfigError") {
    // Never created (e.g. an image user missing from its /etc/passwd): waiting, as upstream shows it.
    const message = status.message ?? status.reason;
    if (waiting.get(spec.name)?.message !== message) event("Warning", "Failed", `Error: ${message}`, spec);
    await ctx.runtime.removeContainer(status.id);
    waiting.set(spec.name, { reason: status.reason, message });
    return backoff.next(`${key}#create`, now, 0);
  }
  waiting.delete(spec.name);
  if (status.state === "exited" && status.exitCode === 128) {
    event("Warning", "Failed", `Error: ${status.message ?? status.reason}`, spec);
    return Number.POSITIVE_INFINITY;
  }
  event("Normal", "Created", `Created container ${spec.name}`, spec);
  event("Normal", "Started", `Started container ${spec.name}`, spec);
  const postStart = spec.lifecycle?.postStart;
  if (postStart && status.state === "running") {
    const target = { runtime: ctx.runtime, containerId: status.id, podIP: sandbox.ip, container: spec };
    const failure = await runHook(postStart, target, ctx.graceSeconds * 1000);
    if (failure !== undefined) {
      event("Warning", "FailedPostStartHook", `PostStartHookError: ${failure}`, spec);
      await ctx.runtime.stopContainer(status.id, ctx.graceSeconds);
      return Number.POSITIVE_INFINITY;
    }
  }
  if (status.state === "running") ctx.probes.ensure(spec, status, sandbox.ip);
  return Number.POSITIVE_INFINITY;
}

/** The securityContext fields a runtime applies (container over pod; groups are the pod's). */
function containerSecurity(
  merged: SecurityContext & PodSecurityContext,
  pod: PodSecurityContext | undefined,
): ContainerSecurity {
  const out: ContainerSecurity = {};
  if (merged.privileged !== undefined) out.privileged = merged.privileged;
  if (merged.capabilities !== undefined) {
    out.capabilities = {
      ...(merged.capabilities.add !== undefined ? { add: merged.capabilities.add } : {}),
      ...(merged.capabilities.drop !== undefined ? { drop: merged.capabilities.drop } : {}),
    };
  }
  if (merged.allowPrivilegeEscalation !== undefined)
    out.allowPrivilegeEscalation = merged.allowPrivilegeEscalation;
  if (merged.readOnlyRootFilesystem !== undefined) out.readOnlyRootFilesystem = merged.readOnlyRootFilesystem;
  if (merged.runAsNonRoot !== undefined) out.runAsNonRoot = merged.runAsNonRoot;
  if (merged.seccompProfile !== undefined) out.seccompProfile = merged.seccompProfile;
  if (pod?.supplementalGroups !== undefined) out.supplementalGroups = pod.supplementalGroups;
  if (pod?.fsGroup !== undefined) out.fsGroup = pod.fsGroup;
  return out;
}

/** A CPU quantity in millicores, or undefined when unset. */
function millis(cpu: string | number | undefined): number | undefined {
  return cpu === undefined ? undefined : Math.round((quantityValue(String(cpu)) ?? 0) * 1000);
}

/**
 * The pod's /etc/hosts and /etc/resolv.conf, mounted into every container as upstream does. In the
 * pod's directory itself, as upstream's `etc-hosts` (no directory of their own: each directory and
 * file created is an inode allocated, the kubelet thread's costliest step in a 100-pod start).
 */
function etcMounts(ctx: ContainerStartContext, sandbox: SandboxStatus) {
  const dir = podDir(ctx.rootDir, ctx.uid);
  const hosts = join(dir, "etc-hosts");
  const resolv = join(dir, "etc-resolv.conf");
  // A runtime whose containers open no files (fake) gets the mounts without the files.
  if (ctx.runtime.podFiles !== false) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(hosts, hostsFile(ctx.pod, sandbox.ip, ctx.dns.clusterDomain));
    writeFileSync(resolv, resolvConf(ctx.pod, ctx.dns));
  }
  return [
    { hostPath: hosts, containerPath: "/etc/hosts", readOnly: false },
    { hostPath: resolv, containerPath: "/etc/resolv.conf", readOnly: false },
  ];
}

/** A Go-style duration for messages: 10s, 1m20s, 5m0s. */
export function goDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  return total < 60 ? `${total}s` : `${Math.floor(total / 60)}m${total % 60}s`;
}
