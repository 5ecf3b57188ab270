// What the apiserver's request handlers and its resource store share: the registry, the clock,
// admission, and the pluggable encoders (Tables, protobuf) that the server wires in. One HTTP
// request for a resource is one ResourceRequest.
import type { ResourceInfo } from "../../lib/api/resources.ts";
import type { StatusCause } from "../../lib/errors/status-error.ts";
import type { RawConnection } from "../../lib/tls/raw-connection.ts";
import type { Admission } from "./admission/admission-interface.ts";
import type { Authenticator } from "./authn/authenticator.ts";
import type { UserInfo } from "./authn/user-info.ts";
import type { Authorizer } from "./authz/authorizer.ts";
import type { ProtobufDecoder } from "./http/body.ts";
import type { Wanted } from "./http/negotiate.ts";
import type { RelayUpgrade } from "./http/websocket-relay.ts";
import type { KubeletClientConfig } from "./kubelet-client-config.ts";
import type { KObject } from "./registry/object.ts";
import type { Entry, Registry } from "./registry/registry.ts";
import type { RequestInfo } from "./request-info.ts";
import type { ServiceAccountTokenOptions } from "./serviceaccount/token-options.ts";

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
  /** Takes the connection of a SPDY/3.1 upgrade over (the TLS front's); absent without one. */
  takeOver?: (req: Request) => RawConnection | undefined;
  /** https to kubelets with this client certificate (--kubelet-client-*); absent: plain http. */
  kubeletClient?: KubeletClientConfig;
  /** What the access reviews ask (authz/union.ts); absent: every request is allowed. */
  authorizer?: Authorizer;
  /** What TokenReview authenticates with (the secure port's authenticator); absent: reviews get no status. */
  tokenReview?: { authenticator: Authenticator; apiAudiences: string[] };
  /**
   * Group/versions served by other servers through APIServices (apiservices/aggregator.ts): their
   * resources for discovery, and the proxy (undefined: the path is not theirs).
   */
  aggregator?: {
    resources(): ResourceInfo[];
    proxy(req: Request, url: URL, user: UserInfo | undefined): Promise<Response | undefined>;
  };
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
