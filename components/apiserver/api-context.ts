// What every resource handler gets: the registry, the clock, admission, and the pluggable
// encoders (Tables, protobuf) that the server wires in. One request is one ResourceRequest.
import type { StatusCause } from "../../../lib/errors/status-error.ts";
import type { Authenticator } from "../authn/authenticator.ts";
import type { UserInfo } from "../authn/user-info.ts";
import type { Authorizer } from "../authz/authorizer.ts";
import type { ProtobufDecoder } from "../http/body.ts";
import type { Wanted } from "../http/negotiate.ts";
import type { RelayUpgrade } from "../http/websocket-relay.ts";
import type { KObject, Stored } from "../registry/object.ts";
import type { Entry, Registry } from "../registry/registry.ts";
import type { RequestInfo } from "../request-info.ts";
import type { ServiceAccountTokenOptions } from "../serviceaccount/token-options.ts";
import type { KubeletClientConfig } from "./kubelet-client.ts";

/** Who writes and how (upstream's admission.Attributes, the parts kube's plugins read). */
export interface AdmissionAttributes {
  dryRun: boolean;
  /** "" for the main resource, or "status", "binding", ... */
  subresource: string;
  /** Absent only for the apiserver's own writes (bootstrap objects). */
  user?: UserInfo;
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

export interface TableRequest {
  entry: Entry;
  objects: KObject[];
  wanted: Wanted;
  includeObject: string;
  noHeaders: boolean;
  listMeta?: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
}

export interface ApiContext {
  registry: Registry;
  now(): Date;
  admission: Admission;
  toTable(request: TableRequest): object;
  protobuf?: ProtobufDecoder;
  /** Extra validation causes for every object (metadata rules), before the kind's own. */
  validateMeta(entry: Entry, obj: KObject): StatusCause[];
  /** Upgrades a request to a websocket relayed to a kubelet; absent without a Bun server. */
  upgrade?: RelayUpgrade;
  /** https to kubelets with this client certificate (--kubelet-client-*); absent: plain http. */
  kubeletClient?: KubeletClientConfig;
  /** What the access reviews ask (authz/union.ts); absent: every request is allowed. */
  authorizer?: Authorizer;
  /** What TokenReview authenticates with (the secure port's authenticator); absent: reviews get no status. */
  tokenReview?: { authenticator: Authenticator; apiAudiences: string[] };
  /** Signs ServiceAccount tokens (serviceaccounts/token); absent: that subresource is not served. */
  serviceAccountTokens?: ServiceAccountTokenOptions;
}

export interface ResourceRequest {
  req: Request;
  url: URL;
  info: RequestInfo;
  entry: Entry;
  wanted: Wanted;
  ctx: ApiContext;
  /** Who asks (after authentication and impersonation). */
  user: UserInfo;
  /** Sent back as `Warning: 299` headers (field validation under Warn). */
  warnings: string[];
}
