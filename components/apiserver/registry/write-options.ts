// What a write is told besides the object (upstream's CreateOptions/UpdateOptions and the
// request's user): dry run, the field manager, the subresource, server-side apply.
import type { UserInfo } from "../authn/user-info.ts";

export interface WriteOptions {
  dryRun: boolean;
  manager: string;
  /** "" for the main resource, or "status". */
  subresource: string;
  /** A server-side apply: managedFields were already set by the apply, no Update entry is added. */
  apply?: boolean;
  /** Who writes (admission reads it); absent for the apiserver's own writes. */
  user?: UserInfo;
  /** Admission's warnings for the client (Pod Security's warn mode); absent: dropped. */
  warnings?: string[];
}
