// What admission is to the resource store: the attributes of a write and the hooks around it
// (upstream's admission.Attributes and admission.Interface, the parts kube's plugins use).
import type { UserInfo } from "../authn/user-info.ts";
import type { KObject, Stored } from "../registry/object.ts";
import type { Entry } from "../registry/registry.ts";

/** Who writes and how (upstream's admission.Attributes, the parts kube's plugins read). */
export interface AdmissionAttributes {
  dryRun: boolean;
  /** "" for the main resource, or "status", "binding", ... */
  subresource: string;
  /** Absent only for the apiserver's own writes (bootstrap objects). */
  user?: UserInfo;
  /** Where admission puts warnings for the client (`Warning: 299` headers); absent: dropped. */
  warnings?: string[];
}

/** Checks and side effects around writes (upstream's admission chain plus allocators). */
export interface Admission {
  /** Before a create is stored; may change the object (allocate IPs) or throw a StatusError. */
  create(entry: Entry, obj: KObject, attrs: AdmissionAttributes): Promise<void>;
  /** Before an update is stored. */
  update(entry: Entry, obj: KObject, old: Stored, attrs: AdmissionAttributes): Promise<void>;
  /** Before a delete of `obj` (the stored object): may refuse it with a StatusError (NodeRestriction). */
  validateDelete?(entry: Entry, obj: Stored, attrs: AdmissionAttributes): Promise<void>;
  /** After an object is gone: release what it held. */
  deleted(entry: Entry, obj: Stored): Promise<void>;
}
