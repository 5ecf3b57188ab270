// The per-kind rules the generic store applies (upstream's RESTCreateStrategy and
// RESTUpdateStrategy, e.g. pkg/registry/apps/replicaset/strategy.go): defaulting, what a
// create or update may change, validation, field-selector fields, graceful deletion.
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import type { UserInfo } from "../authn/user-info.ts";
import type { KObject, Stored } from "./object.ts";

export interface StrategyContext {
  now: Date;
  /** "" for the main resource, "status" for the status subresource. */
  subresource: string;
  /** Who writes (a CSR's requester is stamped from it); absent for the apiserver's own writes. */
  user?: UserInfo;
}

export interface Strategy {
  /** metadata.generation starts at 1 and is bumped when anything but metadata and status changes. */
  generation?: boolean;
  /**
   * With `generation`: also bump it when this returns true although only metadata changed
   * (a Deployment's annotations, as upstream's deployment strategy does).
   */
  generationChanged?(obj: KObject, old: Stored): boolean;
  /** PUT of a missing object creates it (upstream's AllowCreateOnUpdate: nodes, events, leases, endpoints). */
  allowCreateOnUpdate?: boolean;
  /** Defaults as upstream's SetDefaults_* (also inside pod templates); applied on create and update. */
  defaults?(obj: KObject): void;
  /** After defaulting, before validation, on create: e.g. reset status, set initial phase. */
  prepareForCreate?(obj: KObject, ctx: StrategyContext): void;
  /**
   * On update of the main resource (status was already restored from `old` when the kind has
   * a status subresource) or of the status subresource (everything but status restored).
   */
  prepareForUpdate?(obj: KObject, old: Stored, ctx: StrategyContext): void;
  /**
   * A subresource that writes one part of the object (CSR approval: status.conditions; pod
   * ephemeralcontainers: spec.ephemeralContainers): a copy of `old` with that part of `next`, or
   * undefined when this kind has no such subresource. May throw a StatusError (422).
   */
  subresourceUpdate?(next: KObject, old: Stored, subresource: string): KObject | undefined;
  /** Problems with a new object; field paths like `spec.containers[0].image`. */
  validate?(obj: KObject): StatusCause[];
  /** Problems with an update, e.g. immutable fields (`field is immutable`). */
  validateUpdate?(obj: KObject, old: Stored): StatusCause[];
  /**
   * A status subresource write's checks in place of validate + validateUpdate (upstream's
   * status strategy ValidateUpdate, e.g. ValidatePodStatusUpdate: the spec, which such a
   * write cannot change, is not validated again).
   */
  validateStatusUpdate?(obj: KObject, old: Stored): StatusCause[];
  /** Field-selector values beyond metadata.name and metadata.namespace. */
  fields?(obj: KObject): Record<string, string>;
  /** Seconds of graceful deletion for this object, given the requested grace period. */
  gracePeriod?(obj: Stored, requested: number | undefined): number;
  /** The name must be a DNS-1123 label (namespaces, services) rather than a subdomain. */
  nameIsLabel?: boolean;
  /** Replaces the DNS-1123 name check (RBAC objects take any path-segment name, as upstream). */
  validateName?(name: string): StatusCause[];
}
