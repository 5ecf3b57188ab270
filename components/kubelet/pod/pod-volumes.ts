// A pod's volumes on the host, under <root-dir>/pods/<uid>/volumes/<plugin>/<name> as upstream
// lays them out (pkg/kubelet/kubelet_getters.go): emptyDir (tmpfs for medium Memory), hostPath,
// configMap, secret, downwardAPI and projected written as files, and the mounts a container gets.

import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import type { Container, KeyToPath, Pod, Volume } from "kubernetes-types/core/v1";
import type { Mount } from "../runtime/runtime.ts";
import { fieldPathValue, resourceFieldValue } from "./field-path.ts";
import type { ObjectSource } from "./object-source.ts";

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

/** Host paths of each volume by name, after writing their contents. */
export async function prepareVolumes(
  rootDir: string,
  pod: Pod,
  objects: ObjectSource,
  ips: { hostIP?: string; podIP?: string },
): Promise<Map<string, string>> {
  const uid = pod.metadata?.uid ?? "";
  const ns = pod.metadata?.namespace ?? "default";
  const paths = new Map<string, string>();
  for (const volume of pod.spec?.volumes ?? []) {
    if (volume.hostPath) {
      const path = volume.hostPath.path;
      const type = volume.hostPath.type ?? "";
      if ((type === "DirectoryOrCreate" || type === "") && !existsSync(path) && type === "DirectoryOrCreate")
        mkdirSync(path, { recursive: true });
      if (type === "FileOrCreate" && !existsSync(path)) {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, "");
      }
      if ((type === "Directory" || type === "File" || type === "Socket") && !existsSync(path))
        throw new VolumeError(`hostPath type check failed: ${path} is not a ${type.toLowerCase()}`);
      paths.set(volume.name, path);
      continue;
    }
    const dir = join(podDir(rootDir, uid), "volumes", pluginDir(volume), volume.name);
    mkdirSync(dir, { recursive: true });
    paths.set(volume.name, dir);
    if (volume.emptyDir) {
      if (volume.emptyDir.medium === "Memory" && !isMountPoint(dir)) {
        const size = volume.emptyDir.sizeLimit ? [`-o`, `size=${volume.emptyDir.sizeLimit}`] : [];
        const result = spawnSync("mount", ["-t", "tmpfs", ...size, "tmpfs", dir]);
        if (result.status !== 0)
          throw new VolumeError(`mount tmpfs for ${volume.name}: ${String(result.stderr)}`);
      }
    } else if (volume.configMap) {
      const cm = await objects.configMap(ns, volume.configMap.name ?? "");
      if (!cm && !volume.configMap.optional)
        throw new VolumeError(`configmap "${volume.configMap.name}" not found`);
      const data = { ...(cm?.data ?? {}) };
      for (const [k, v] of Object.entries(cm?.binaryData ?? {}))
        data[k] = Buffer.from(v, "base64").toString("latin1");
      writeKeys(dir, data, volume.configMap.items, volume.configMap.defaultMode);
    } else if (volume.secret) {
      const secret = await objects.secret(ns, volume.secret.secretName ?? "");
      if (!secret && !volume.secret.optional)
        throw new VolumeError(`secret "${volume.secret.secretName}" not found`);
      const data: Record<string, string> = {};
      for (const [k, v] of Object.entries(secret?.data ?? {}))
        data[k] = Buffer.from(v, "base64").toString("latin1");
      writeKeys(dir, data, volume.secret.items, volume.secret.defaultMode ?? 0o644);
    } else if (volume.downwardAPI) {
      for (const item of volume.downwardAPI.items ?? []) {
        const value = item.fieldRef
          ? fieldPathValue(pod, item.fieldRef.fieldPath, ips)
          : resourceFieldValue(
              pod.spec?.containers.find((c) => c.name === item.resourceFieldRef?.containerName) ??
                (pod.spec?.containers[0] as Container),
              item.resourceFieldRef?.resource ?? "",
              item.resourceFieldRef?.divisor as string | undefined,
            );
        writeFile(dir, item.path, value, item.mode ?? volume.downwardAPI.defaultMode);
      }
    } else if (volume.projected) {
      for (const source of volume.projected.sources ?? []) {
        if (source.configMap) {
          const cm = await objects.configMap(ns, source.configMap.name ?? "");
          if (!cm && !source.configMap.optional)
            throw new VolumeError(`configmap "${source.configMap.name}" not found`);
          writeKeys(dir, cm?.data ?? {}, source.configMap.items, volume.projected.defaultMode);
        } else if (source.secret) {
          const secret = await objects.secret(ns, source.secret.name ?? "");
          if (!secret && !source.secret.optional)
            throw new VolumeError(`secret "${source.secret.name}" not found`);
          const data: Record<string, string> = {};
          for (const [k, v] of Object.entries(secret?.data ?? {}))
            data[k] = Buffer.from(v, "base64").toString("latin1");
          writeKeys(dir, data, source.secret.items, volume.projected.defaultMode);
        } else if (source.downwardAPI) {
          for (const item of source.downwardAPI.items ?? []) {
            if (item.fieldRef)
              writeFile(dir, item.path, fieldPathValue(pod, item.fieldRef.fieldPath, ips), item.mode);
          }
        }
      }
    } else {
      throw new VolumeError(
        `volume "${volume.name}": this kind of volume is not supported by kube's kubelet`,
      );
    }
  }
  return paths;
}

function writeKeys(dir: string, data: Record<string, string>, items: KeyToPath[] | undefined, mode?: number) {
  if (items?.length) {
    for (const item of items) {
      const value = data[item.key];
      if (value === undefined) throw new VolumeError(`configuration key "${item.key}" not found`);
      writeFile(dir, item.path, value, item.mode ?? mode);
    }
    return;
  }
  for (const [key, value] of Object.entries(data)) writeFile(dir, key, value, mode);
}

function writeFile(dir: string, relative: string, value: string, mode?: number): void {
  const path = normalize(join(dir, relative));
  if (!path.startsWith(`${dir}/`))
    throw new VolumeError(`volume path "${relative}" must stay inside the volume`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, value, "latin1");
  chmodSync(path, mode ?? 0o644);
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
