// Seccomp filters compiled once per profile: crun leaves the BPF it compiled from a container's
// profile in its state dir (`<root>/<id>/seccomp.bpf`); later containers with the same profile pass it
// back in crun's `run.oci.seccomp_bpf_data` annotation (crun(1)), so libseccomp does not compile it again.

import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { SeccompProfile } from "./seccomp-profile.ts";

/** crun's annotation: base64 of the raw filter given to seccomp(SECCOMP_SET_MODE_FILTER). */
export const SECCOMP_BPF_ANNOTATION = "run.oci.seccomp_bpf_data";

/** One `struct sock_filter` (u16 code, u8 jt, u8 jf, u32 k); BPF_MAXINSNS bounds a filter. */
const INSTRUCTION_BYTES = 8;
const MAX_INSTRUCTIONS = 4096;

export class SeccompBpfCache {
  private readonly filters = new Map<string, string>();
  private readonly stateRoot: string;

  /** `stateRoot`: crun's --root. */
  constructor(stateRoot: string) {
    this.stateRoot = stateRoot;
  }

  /** The profile's identity: the exact JSON crun compiles. */
  static key(profile: SeccompProfile): string {
    return createHash("sha256").update(JSON.stringify(profile)).digest("hex");
  }

  /** The annotation for `profile`'s compiled filter, or undefined until one was learned. */
  annotation(profile: SeccompProfile): Record<string, string> | undefined {
    const filter = this.filters.get(SeccompBpfCache.key(profile));
    return filter === undefined ? undefined : { [SECCOMP_BPF_ANNOTATION]: filter };
  }

  /**
   * Keeps the filter crun compiled for container `id` from `profile` (call once it started); a file
   * missing (another crun) or not whole BPF instructions is ignored: the next start compiles again.
   */
  async learn(profile: SeccompProfile, id: string): Promise<boolean> {
    const key = SeccompBpfCache.key(profile);
    if (this.filters.has(key)) return true;
    const bytes = await readFile(join(this.stateRoot, id, "seccomp.bpf")).catch(() => undefined);
    if (bytes === undefined || bytes.length === 0 || bytes.length % INSTRUCTION_BYTES !== 0) return false;
    if (bytes.length / INSTRUCTION_BYTES > MAX_INSTRUCTIONS) return false;
    this.filters.set(key, bytes.toString("base64"));
    return true;
  }
}
