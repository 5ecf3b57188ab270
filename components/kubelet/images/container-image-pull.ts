// The kubelet's image step for one container start (upstream pkg/kubelet/images/image_manager.go
// EnsureImageExists): pull policy, pull secrets, the Pulling/Pulled/Failed/BackOff events and the
// ErrImagePull -> ImagePullBackOff, ErrImageNeverPull and InvalidImageName waiting reasons.

import type { Container, Pod, Secret } from "kubernetes-types/core/v1";
import type { Backoff } from "../pod/backoff.ts";
import type { PodEvents } from "../pod/events.ts";
import type { ObjectSource } from "../pod/object-source.ts";
import type { Waiting } from "../pod/pod-status.ts";
import { ImagePullError } from "./image-pull-error.ts";
import type { ImageResolver } from "./image-resolver.ts";
import type { ResolvedImage } from "./resolved-image.ts";

export interface ContainerImagePull {
  pod: Pod;
  images: ImageResolver;
  objects: ObjectSource;
  event: PodEvents;
  waiting: Map<string, Waiting>;
  backoff: Backoff;
  /** The back-off key of this container's pulls. */
  pullKey: string;
  now: number;
  /** True on a container's first start (the "already present" event is said once). */
  firstStart: boolean;
}

/** A Go-like duration for pull times: 523ms, 1.234s. */
function pullDuration(ms: number): string {
  return ms < 1000 ? `${Math.max(0, Math.round(ms))}ms` : `${(ms / 1000).toFixed(3).replace(/\.?0+$/, "")}s`;
}

async function pullSecrets(ctx: ContainerImagePull): Promise<Secret[]> {
  const namespace = ctx.pod.metadata?.namespace ?? "default";
  const secrets: Secret[] = [];
  const missing: string[] = [];
  for (const ref of ctx.pod.spec?.imagePullSecrets ?? []) {
    if (!ref.name) continue;
    const secret = await ctx.objects.secret(namespace, ref.name).catch(() => undefined);
    if (secret) secrets.push(secret);
    else missing.push(`"${ref.name}"`);
  }
  if (missing.length > 0) {
    ctx.event(
      "Warning",
      "FailedToRetrieveImagePullSecret",
      `Unable to retrieve some image pull secrets (${missing.join(", ")}); attempting to pull the image may not succeed.`,
    );
  }
  return secrets;
}

/** The next pull after a failure: 10 s, doubling to 5 min (upstream's image back-off has no free retry). */
function pullBackoff(ctx: ContainerImagePull): number {
  const due = ctx.backoff.next(ctx.pullKey, ctx.now, 0);
  return due > ctx.now ? due : ctx.backoff.next(ctx.pullKey, ctx.now, 0);
}

/** Resolves (pulling if needed) `spec.image`; a number is when to try again after a failure. */
export async function ensureContainerImage(
  ctx: ContainerImagePull,
  spec: Container,
): Promise<ResolvedImage | number> {
  const { event, waiting } = ctx;
  const name = spec.image ?? "";
  const policy = spec.imagePullPolicy;
  const already = waiting.get(spec.name);
  const due = ctx.backoff.until(ctx.pullKey);
  // Upstream: while the pull backs off, the container waits in ImagePullBackOff without pulling.
  if ((already?.reason === "ErrImagePull" || already?.reason === "ImagePullBackOff") && due > ctx.now) {
    if (already.reason === "ErrImagePull") {
      event("Normal", "BackOff", `Back-off pulling image "${name}"`, spec);
      event("Warning", "Failed", "Error: ImagePullBackOff", spec);
      waiting.set(spec.name, {
        reason: "ImagePullBackOff",
        message: `Back-off pulling image "${name}": ${already.message}`,
      });
    }
    return due;
  }
  try {
    const image = await ctx.images.resolve(name, {
      ...(policy ? { pullPolicy: policy } : {}),
      pullSecrets: spec.imagePullPolicy === "Never" ? [] : await pullSecrets(ctx),
      onPulling: () => event("Normal", "Pulling", `Pulling image "${name}"`, spec),
    });
    if (image.pulled) {
      const took = pullDuration(image.pulled.durationMs);
      const size = image.pulled.size;
      event(
        "Normal",
        "Pulled",
        `Successfully pulled image "${name}" in ${took} (${took} including waiting). Image size: ${size} bytes.`,
        spec,
      );
    } else if (ctx.firstStart) {
      event("Normal", "Pulled", `Container image "${name}" already present on machine`, spec);
    }
    return image;
  } catch (error) {
    if (!(error instanceof ImagePullError)) throw error;
    if (error.reason === "ErrImageNeverPull" || error.reason === "InvalidImageName") {
      if (already?.reason !== error.reason) {
        event(
          "Warning",
          error.reason === "InvalidImageName" ? "InspectFailed" : "ErrImageNeverPull",
          error.message,
          spec,
        );
        event("Warning", "Failed", `Error: ${error.reason}`, spec);
      }
      waiting.set(spec.name, { reason: error.reason, message: error.message });
      return pullBackoff(ctx);
    }
    event("Warning", "Failed", `Failed to pull image "${name}": ${error.message}`, spec);
    event("Warning", "Failed", "Error: ErrImagePull", spec);
    waiting.set(spec.name, { reason: "ErrImagePull", message: error.message });
    return pullBackoff(ctx);
  }
}
