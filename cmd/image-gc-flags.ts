// The kubelet's --image-gc-high-threshold and --image-gc-low-threshold, checked as upstream's
// kubelet config validation does (pkg/kubelet/apis/config/validation): 0-100, low not above high.

import { UsageError } from "./usage-error.ts";

export const IMAGE_GC_FLAGS = {
  "image-gc-high-threshold": {
    type: "string",
    description: "Percent of disk usage after which image garbage collection always runs (0-100)",
    default: "85",
  },
  "image-gc-low-threshold": {
    type: "string",
    description:
      "Percent of disk usage image garbage collection frees down to (0-100, not above the high one)",
    default: "80",
  },
} as const;

function percent(flag: string, name: string, value: unknown): number {
  const text = String(value ?? "").trim();
  const n = Number(text);
  if (!/^-?\d+$/.test(text) || n < 0 || n > 100) {
    throw new UsageError(
      `invalid configuration: ${name} (--${flag}) ${text} must be between 0 and 100, inclusive`,
    );
  }
  return n;
}

export function parseImageGcFlags(args: Record<string, unknown>): {
  highThresholdPercent: number;
  lowThresholdPercent: number;
} {
  const high = percent(
    "image-gc-high-threshold",
    "imageGCHighThresholdPercent",
    args["image-gc-high-threshold"] ?? "85",
  );
  const low = percent(
    "image-gc-low-threshold",
    "imageGCLowThresholdPercent",
    args["image-gc-low-threshold"] ?? "80",
  );
  if (low >= high) {
    throw new UsageError(
      `invalid configuration: imageGCLowThresholdPercent (--image-gc-low-threshold) ${low} must be less than imageGCHighThresholdPercent (--image-gc-high-threshold) ${high}`,
    );
  }
  return { highThresholdPercent: high, lowThresholdPercent: low };
}
