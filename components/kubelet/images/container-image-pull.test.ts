import { describe, expect, test } from "bun:test";
import type { Pod, Secret } from "kubernetes-types/core/v1";
import { Backoff } from "../pod/backoff.ts";
import { NO_OBJECTS } from "../pod/object-source.ts";
import type { Waiting } from "../pod/pod-status.ts";
import { ensureContainerImage } from "./container-image-pull.ts";
import { ImagePullError } from "./image-pull-error.ts";
import type { ImageResolver, ResolveOptions } from "./image-resolver.ts";

const pod: Pod = {
  metadata: { name: "p", namespace: "ns" },
  spec: { containers: [], imagePullSecrets: [{ name: "gone" }, { name: "here" }] },
};
const spec = { name: "c", image: "reg.local/app:1", imagePullPolicy: "IfNotPresent" };

function harness(resolve: ImageResolver["resolve"]) {
  const events: string[] = [];
  const waiting = new Map<string, Waiting>();
  const backoff = new Backoff();
  const seen: ResolveOptions[] = [];
  const secret: Secret = { metadata: { name: "here" } };
  const ctx = (now: number) => ({
    pod,
    images: {
      resolve: (image: string, options?: ResolveOptions) => {
        seen.push(options ?? {});
        return resolve(image, options);
      },
    },
    objects: {
      ...NO_OBJECTS,
      secret: async (_ns: string, name: string) => (name === "here" ? secret : undefined),
    },
    event: (type: string, reason: string, message: string) => events.push(`${type} ${reason}: ${message}`),
    waiting,
    backoff,
    pullKey: "uid/c#pull",
    now,
    firstStart: true,
  });
  return { events, waiting, seen, ctx };
}

describe("ensureContainerImage", () => {
  test("a pull: Pulling, then Pulled with time and size; pull secrets and policy reach the resolver", async () => {
    const h = harness(async (image, options) => {
      options?.onPulling?.();
      return {
        image,
        imageID: "x",
        entrypoint: [],
        args: [],
        source: "oci",
        pulled: { durationMs: 1234, size: 42 },
      };
    });
    const image = await ensureContainerImage(h.ctx(0), spec);
    expect(typeof image).toBe("object");
    expect(h.seen[0]?.pullPolicy).toBe("IfNotPresent");
    expect(h.seen[0]?.pullSecrets?.map((s) => s.metadata?.name)).toEqual(["here"]);
    expect(h.events).toEqual([
      'Warning FailedToRetrieveImagePullSecret: Unable to retrieve some image pull secrets ("gone"); attempting to pull the image may not succeed.',
      'Normal Pulling: Pulling image "reg.local/app:1"',
      'Normal Pulled: Successfully pulled image "reg.local/app:1" in 1.234s (1.234s including waiting). Image size: 42 bytes.',
    ]);
  });

  test("a failed pull: ErrImagePull, ImagePullBackOff while backing off, then a new attempt", async () => {
    let attempts = 0;
    const h = harness(async (image) => {
      attempts++;
      throw new ImagePullError(image, "registry says no");
    });
    const due = await ensureContainerImage(h.ctx(1000), spec);
    expect(due).toBe(11_000);
    expect(h.waiting.get("c")).toEqual({ reason: "ErrImagePull", message: "registry says no" });
    expect(await ensureContainerImage(h.ctx(2000), spec)).toBe(11_000);
    expect(attempts).toBe(1);
    expect(h.waiting.get("c")?.reason).toBe("ImagePullBackOff");
    expect(await ensureContainerImage(h.ctx(11_000), spec)).toBe(31_000);
    expect(attempts).toBe(2);
    expect(h.waiting.get("c")?.reason).toBe("ErrImagePull");
    expect(h.events.filter((e) => !e.includes("pull secrets"))).toEqual([
      'Warning Failed: Failed to pull image "reg.local/app:1": registry says no',
      "Warning Failed: Error: ErrImagePull",
      'Normal BackOff: Back-off pulling image "reg.local/app:1"',
      "Warning Failed: Error: ImagePullBackOff",
      'Warning Failed: Failed to pull image "reg.local/app:1": registry says no',
      "Warning Failed: Error: ErrImagePull",
    ]);
  });

  test("Never and invalid names: their own reasons, said once", async () => {
    const never = harness(async (image) => {
      throw new ImagePullError(
        image,
        `Container image "${image}" is not present with pull policy of Never`,
        "ErrImageNeverPull",
      );
    });
    await ensureContainerImage(never.ctx(0), { ...spec, imagePullPolicy: "Never" });
    await ensureContainerImage(never.ctx(60_000), { ...spec, imagePullPolicy: "Never" });
    expect(never.seen[0]?.pullSecrets).toEqual([]);
    expect(never.waiting.get("c")?.reason).toBe("ErrImageNeverPull");
    expect(never.events).toEqual([
      'Warning ErrImageNeverPull: Container image "reg.local/app:1" is not present with pull policy of Never',
      "Warning Failed: Error: ErrImageNeverPull",
    ]);
    const invalid = harness(async (image) => {
      throw new ImagePullError(image, "couldn't parse image name", "InvalidImageName");
    });
    await ensureContainerImage(invalid.ctx(0), spec);
    expect(invalid.waiting.get("c")?.reason).toBe("InvalidImageName");
    expect(invalid.events.at(-2)).toBe("Warning InspectFailed: couldn't parse image name");
  });
});
