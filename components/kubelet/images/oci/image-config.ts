// The parts of an OCI image config (image-spec config.md `config` and `rootfs`) the kubelet uses:
// Entrypoint and Cmd become the container's argv defaults, with Env, User, WorkingDir, ports.

import { checkDigest } from "./digest.ts";
import type { ImageConfigFacts } from "./stored-image.ts";

export interface ParsedImageConfig {
  facts: ImageConfigFacts;
  /** Uncompressed layer digests, lowest first. */
  diffIds: string[];
  os?: string;
  architecture?: string;
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];

/** Parses config bytes; throws an Error naming what is wrong. */
export function parseImageConfig(bytes: Uint8Array): ParsedImageConfig {
  let doc: {
    os?: unknown;
    architecture?: unknown;
    config?: Record<string, unknown> | null;
    rootfs?: { type?: unknown; diff_ids?: unknown };
  };
  try {
    doc = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new Error(`invalid image config JSON: ${(error as Error).message}`);
  }
  if (doc?.rootfs?.type !== "layers" || !Array.isArray(doc.rootfs.diff_ids)) {
    throw new Error('invalid image config: rootfs.type must be "layers" with diff_ids');
  }
  const diffIds = doc.rootfs.diff_ids.map((d) => checkDigest(d));
  const c = doc.config ?? {};
  const text = (value: unknown): string | undefined =>
    typeof value === "string" && value !== "" ? value : undefined;
  const user = text(c.User);
  const workingDir = text(c.WorkingDir);
  const ports = c.ExposedPorts && typeof c.ExposedPorts === "object" ? Object.keys(c.ExposedPorts) : [];
  return {
    facts: {
      entrypoint: strings(c.Entrypoint),
      cmd: strings(c.Cmd),
      env: strings(c.Env),
      ...(user === undefined ? {} : { user }),
      ...(workingDir === undefined ? {} : { workingDir }),
      exposedPorts: ports,
    },
    diffIds,
    ...(typeof doc.os === "string" ? { os: doc.os } : {}),
    ...(typeof doc.architecture === "string" ? { architecture: doc.architecture } : {}),
  };
}
