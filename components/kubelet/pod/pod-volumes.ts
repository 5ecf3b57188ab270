// A pod's volumes on the host, under <root-dir>/pods/<uid>/volumes/<plugin>/<name> as upstream
// lays them out (pkg/kubelet/kubelet_getters.go): emptyDir (tmpfs for medium Memory), hostPath
// (type-checked by host-path-volume.ts), configMap, secret, downwardAPI and projected written
// atomically (refreshed on every call), fsGroup ownership (volume-ownership.ts), and the mounts a
// container gets.

import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import type { Container, Pod, Volume } from "kubernetes-types/core/v1";
import type { Mount } from "../runtime/runtime.ts";
import { writeAtomically } from "./atomic-writer.ts";
import { checkHostPath, HostPathError } from "./host-path-volume.ts";
import type { ObjectSource, ServiceAccountToken } from "./object-source.ts";
import { podFsGroup, setVolumeOwnership } from "./volume-ownership.ts";
import { volumePayload } from "./volume-payload.ts";

export class VolumeError extends Error {
  override name = "VolumeError";
}

export function podDir(rootDir: string, uid: string): string {
  return join(rootDir, "pods", uid);
}

function pluginDir(volume: Volume): string {
  if (volume.emptyDir) return "kubernetes.io~empty-dir";
  if (volume.configMap) return "kubernetes.io~configmap";
  if (volume.secret) return "kubernetes.io~secret";
  if (volume.downwardAPI) return "kubernetes.io~downward-api";
  if (volume.projected) return "kubernetes.io~projected";
  return "kubernetes.io~other";
}

export interface PreparedVolumes {
  /** Host path of each volume by name. */
  paths: Map<string, string>;
  /** Epoch ms when a projected token should be renewed; Infinity when no volume needs it. */
  refreshAt: number;
  /** Some volume mirrors API objects (configMap, secret, downwardAPI, projected): refresh it now and then. */
  refreshes: boolean;
}

/**
 * Sets up every volume of the pod and (re)writes the contents of configMap, secret,
 * downwardAPI and projected volumes through the atomic writer, so calling it again refreshes
 * them; an unchanged volume is not touched. With `writeFiles` false (a runtime whose containers
 * open no files) each ConfigMap and Secret source is still resolved, so a missing one fails the
 * same way, but nothing is created on disk, host paths are not checked, no token is requested
 * (nothing would read it: a restart of 1000 fake nodes sent 20k TokenRequests at once), and
 * nothing needs refreshing.
 */
export async function prepareVolumes(
  rootDir: string,
  pod: Pod,
  objects: ObjectSource,
  ips: { hostIP?: string; podIP?: string },
  writeFiles = true,
): Promise<PreparedVolumes> {
  const uid = pod.metadata?.uid ?? "";
  const fsGroup = podFsGroup(pod);
  const paths = new Map<string, string>();
  let refreshAt = Number.POSITIVE_INFINITY;
  let refreshes = false;
  for (const volume of pod.spec?.volumes ?? []) {
    if (volume.hostPath) {
      const path = volume.hostPath.path;
      if (!writeFiles) {
        paths.set(volume.name, path);
        continue;
      }
      try {
        checkHostPath(path, volume.hostPath.type ?? "");
      } catch (error) {
        if (!(error instanceof HostPathError)) throw error;
        throw new VolumeError(`MountVolume.SetUp failed for volume "${volume.name}" : ${error.message}`);
      }
      paths.set(volume.name, path);
      continue;
    }
    const dir = join(podDir(rootDir, uid), "volumes", pluginDir(volume), volume.name);
    if (!writeFiles && volume.emptyDir) {
      paths.set(volume.name, dir);
      continue;
    }
    if (!writeFiles) {
      paths.set(volume.name, dir);
      await resolvedPayload(pod, volume, { ...objects, serviceAccountToken: async () => NO_TOKEN }, ips);
      continue;
    }
    let fresh = !existsSync(dir);
    mkdirSync(dir, { recursive: true });
    paths.set(volume.name, dir);
    if (volume.emptyDir) {
      if (volume.emptyDir.medium === "Memory" && !isMountPoint(dir)) {
        const size = volume.emptyDir.sizeLimit ? [`-o`, `size=${volume.emptyDir.sizeLimit}`] : [];
        const result = spawnSync("mount", ["-t", "tmpfs", ...size, "tmpfs", dir]);
        if (result.status !== 0)
          throw new VolumeError(`mount tmpfs for ${volume.name}: ${String(result.stderr)}`);
        fresh = true;
      }
      // upstream's emptyDir is 0777 (setupDir chmods past the umask), so any user may write to it.
      if (fresh) chmodSync(dir, 0o777);
      // As upstream's emptyDir SetUpAt: ownership once, when the volume is set up.
      if (fresh && fsGroup !== undefined) setOwnership(volume.name, dir, fsGroup, false);
      continue;
    }
    const result = await resolvedPayload(pod, volume, objects, ips);
    let changed: boolean;
    try {
      changed = writeAtomically(dir, result.payload);
    } catch (error) {
      throw new VolumeError(
        `MountVolume.SetUp failed for volume "${volume.name}" : ${(error as Error).message}`,
      );
    }
    // configMap, secret, downwardAPI and projected volumes are read-only volumes upstream.
    if ((changed || fresh) && fsGroup !== undefined) setOwnership(volume.name, dir, fsGroup, true);
    refreshAt = Math.min(refreshAt, result.refreshAt);
    refreshes = true;
  }
  return { paths, refreshAt, refreshes };
}

/** The token a volume nobody reads gets instead of a TokenRequest. */
const NO_TOKEN: ServiceAccountToken = { token: "", refreshAt: new Date(8.64e15) };

/** A volume's contents from its sources, or upstream's MountVolume.SetUp error. */
async function resolvedPayload(
  pod: Pod,
  volume: Volume,
  objects: ObjectSource,
  ips: { hostIP?: string; podIP?: string },
): Promise<NonNullable<Awaited<ReturnType<typeof volumePayload>>>> {
  let result: Awaited<ReturnType<typeof volumePayload>>;
  try {
    result = await volumePayload(pod, volume, { objects, ips });
  } catch (error) {
    throw new VolumeError(
      `MountVolume.SetUp failed for volume "${volume.name}" : ${(error as Error).message}`,
    );
  }
  if (!result)
    throw new VolumeError(`volume "${volume.name}": this kind of volume is not supported by kube's kubelet`);
  return result;
}

/** setVolumeOwnership with upstream's error text. */
function setOwnership(name: string, dir: string, fsGroup: number, readOnly: boolean): void {
  try {
    setVolumeOwnership(dir, fsGroup, readOnly);
  } catch (error) {
    throw new VolumeError(`MountVolume.SetUp failed for volume "${name}" : ${(error as Error).message}`);
  }
}

function isMountPoint(dir: string): boolean {
  try {
    return statSync(dir).dev !== statSync(dirname(dir)).dev;
  } catch {
    return false;
  }
}

/** The mounts of one container: its volumeMounts resolved to host paths (subPath applied). */
export function containerMounts(container: Container, volumes: Map<string, string>): Mount[] {
  return (container.volumeMounts ?? []).map((m) => {
    const base = volumes.get(m.name);
    if (!base) throw new VolumeError(`volumeMount "${m.name}" names no volume of the pod`);
    let hostPath = base;
    if (m.subPath) {
      hostPath = normalize(join(base, m.subPath));
      if (!hostPath.startsWith(base))
        throw new VolumeError(`subPath "${m.subPath}" must stay inside the volume`);
      if (!existsSync(hostPath)) mkdirSync(hostPath, { recursive: true });
    }
    return { hostPath, containerPath: m.mountPath, readOnly: m.readOnly ?? false };
  });
}

/** Unmounts tmpfs volumes and removes the pod's directory. */
export function removePodDir(rootDir: string, uid: string): void {
  const dir = podDir(rootDir, uid);
  const emptyDirs = join(dir, "volumes", "kubernetes.io~empty-dir");
  if (existsSync(emptyDirs)) {
    for (const name of new Bun.Glob("*").scanSync({ cwd: emptyDirs, onlyFiles: false })) {
      const path = join(emptyDirs, name);
      if (isMountPoint(path)) spawnSync("umount", ["-l", path]);
    }
  }
  rmSync(join(dir, "volumes"), { recursive: true, force: true });
}
