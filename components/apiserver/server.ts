// `kube apiserver` as a Component: the registry over a KV, admission, bootstrap objects, the
// fetch handler, Bun.serve on the insecure address when given, and secure serving (a TLS front
// that knows the client certificate, lib/tls) when given. Also compacts storage history every
// few minutes, as upstream's apiserver does for etcd.
import type { Server } from "bun";
import { RESOURCES } from "../../lib/api/resources.ts";
import type { Component } from "../../lib/component.ts";
import { malformedRequest, serverErrorResponse } from "../../lib/errors/malformed-request.ts";
import { type StatusCause, StatusError } from "../../lib/errors/status-error.ts";
import type { KV } from "../../storage/kv.ts";
import { KubeAdmission } from "./admission/admission.ts";
import { withCertificateChecks } from "./admission/certificate-admission.ts";
import { nthAddress } from "./admission/cidr.ts";
import type { PodSecurityConfig } from "./admission/pod-security/pod-security-config.ts";
import type { ApiContext, TableRequest } from "./api-context.ts";
import { createApiHandler, type FetchHandler } from "./api-handler.ts";
import { ApiServiceController } from "./apiservices/api-service-controller.ts";
import type { Authenticator } from "./authn/authenticator.ts";
import { GROUPS, UNSECURED_USER, USERS, type UserInfo } from "./authn/user-info.ts";
import type { Authorizer } from "./authz/authorizer.ts";
import { withEscalationChecks } from "./authz/escalation-admission.ts";
import type { RuleResolver } from "./authz/rbac-authorizer.ts";
import { bootstrap, reconcileEndpoints } from "./bootstrap.ts";
import { codecFor } from "./conversion/codecs.ts";
import { CrdController } from "./crd/crd-controller.ts";
import type { ExtraRoute } from "./extra-route.ts";
import { managedFieldsCauses } from "./fieldmanager/managed-fields-validation.ts";
import type { Filter } from "./filters/chain.ts";
import { contextOf, withUser } from "./filters/request-context.ts";
import { METRICS_RESOURCES } from "./handlers/metrics-api.ts";
import { type RelaySocketData, relayWebSocket } from "./http/websocket-relay.ts";
import type { KubeletClientConfig } from "./kubelet-client-config.ts";
import { ApiMetrics } from "./metrics.ts";
import { toTable } from "./printers/to-table.ts";
import type * as ProtobufDecoding from "./protobuf/decode-kubernetes-protobuf.ts";
import { ProtobufError } from "./protobuf/protobuf-error.ts";
import type { KObject } from "./registry/object.ts";
import { type Entry, Registry } from "./registry/registry.ts";
import { type SecureServer, type SecureServingOptions, startSecureServer } from "./secure-server.ts";
import type { ServiceAccountTokenOptions } from "./serviceaccount/token-options.ts";
import { strategyFor } from "./strategies/strategy-table.ts";
import { labelsAndAnnotations, objectName } from "./validation/names.ts";

export interface ApiserverOptions {
  kv: KV;
  /** Serve HTTP here; undefined: no socket (in-process use through `handler` only). */
  bindAddress?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Serve HTTPS here (upstream's --secure-port, --tls-cert-file, --client-ca-file). */
  secure?: SecureServingOptions;
  /**
   * The request filters after request info, outermost first (authentication, impersonation,
   * authorization). In-process and insecure-port requests carry their user already.
   */
  filters?: Filter[];
  /**
   * The secure port's filters and authorizer, built once the registry exists (ServiceAccount
   * tokens are checked against stored objects, RBAC watches the roles). Wins over `filters`.
   */
  security?: (deps: SecurityDeps) => Promise<Security> | Security;
  /** https to kubelets with this client certificate (--kubelet-client-*); absent: plain http. */
  kubeletClient?: KubeletClientConfig;
  serviceClusterIpRange?: string;
  /** Address written into the `kubernetes` endpoints (default: the bind address). */
  advertiseAddress?: string;
  /** How often old revisions are compacted; 0 disables. Default 5 minutes, as upstream. */
  compactionIntervalMs?: number;
  /** How long a request body may take to arrive (upstream's --request-timeout, default 60 s). */
  requestTimeoutMs?: number;
  /** Mints ServiceAccount tokens (serviceaccounts/token) and turns on ServiceAccount admission in full. */
  serviceAccountTokens?: ServiceAccountTokenOptions;
  /** The PodSecurity admission plugin's configuration; absent: the plugin is off. */
  podSecurity?: PodSecurityConfig;
  /** Handlers mounted beside the API after authentication (cmd/ mounts the dashboard at /ui). */
  extraRoutes?: ExtraRoute[];
  now?: () => Date;
  log?: (line: string) => void;
}

export interface SecurityDeps {
  registry: Registry;
  log: (line: string) => void;
}

export interface Security {
  filters: Filter[];
  /** Asked by the access reviews (SubjectAccessReview, can-i). */
  authorizer?: Authorizer;
  /** RBAC's rules (when RBAC is a mode): writes of roles and bindings are checked for escalation. */
  rbac?: RuleResolver;
  /** What TokenReview authenticates with. */
  tokenReview?: { authenticator: Authenticator; apiAudiences: string[] };
  stop?(): void;
}

export interface Apiserver extends Component {
  /** The loopback identity's handler (system:apiserver, in system:masters), as upstream's loopback client. */
  handler: FetchHandler;
  /** A handler whose every request is from `user` (components inside `kube server`). */
  handlerFor(user: UserInfo): FetchHandler;
  /** http://host:port when serving on the insecure port. */
  url: string | undefined;
  /** https://host:port when serving securely. */
  secureUrl: string | undefined;
  /** Points the `kubernetes` Service's endpoints at `address` (kube server: the first node's IP). */
  advertise(address: string): Promise<void>;
}

/** The apiserver's own identity for in-process calls (upstream's loopback client config). */
const LOOPBACK_USER: UserInfo = { username: USERS.apiserver, groups: [GROUPS.masters, GROUPS.authenticated] };

export async function startApiserver(options: ApiserverOptions): Promise<Apiserver> {
  const now = options.now ?? (() => new Date());
  const log = options.log ?? (() => undefined);
  let registry: Registry | undefined;
  const admission = new KubeAdmission({
    kv: options.kv,
    registry: () => registry as Registry,
    serviceClusterIpRange: options.serviceClusterIpRange ?? "10.96.0.0/12",
    serviceAccounts: options.serviceAccountTokens !== undefined,
    ...(options.podSecurity ? { podSecurity: options.podSecurity } : {}),
  });
  registry = new Registry({ kv: options.kv, resources: RESOURCES, strategyFor, codecFor });
  const ctx: ApiContext = {
    registry,
    now,
    admission,
    toTable: (t: TableRequest) => tableOf(t, now()),
    protobuf: decodeProtobuf,
    validateMeta,
    serviceAccountTokens: options.serviceAccountTokens,
  };
  // A websocket upgrade must be done by the Bun server that received the request (for one an
  // extra route made, the request it was made from).
  const receivedBy = new WeakMap<Request, Server<RelaySocketData>>();
  const received = (req: Request): Request => contextOf(req).receivedAs ?? req;
  if (options.bindAddress !== undefined || options.secure) {
    ctx.upgrade = (req, data) =>
      receivedBy
        .get(received(req))
        ?.upgrade(received(req), { data, headers: { "Sec-WebSocket-Protocol": data.protocol } }) ?? false;
  }
  for (const info of METRICS_RESOURCES) registry.add(info);
  if (options.kubeletClient) ctx.kubeletClient = options.kubeletClient;
  const security = options.security ? await options.security({ registry, log }) : undefined;
  if (security?.authorizer) ctx.authorizer = security.authorizer;
  if (security?.authorizer && security.rbac)
    ctx.admission = withEscalationChecks(ctx.admission, {
      authorizer: security.authorizer,
      rules: security.rbac,
    });
  if (security?.authorizer) ctx.admission = withCertificateChecks(ctx.admission, security.authorizer);
  if (security?.tokenReview) ctx.tokenReview = security.tokenReview;
  const filters = security?.filters ?? options.filters;
  const metrics = new ApiMetrics();
  let server: Server<RelaySocketData> | undefined;
  let secure: SecureServer | undefined;
  const chainHandler = createApiHandler({
    ctx,
    metrics,
    ...(filters ? { filters } : {}),
    ...(options.extraRoutes ? { extraRoutes: options.extraRoutes } : {}),
    storageHealthy: async () => {
      try {
        await options.kv.status();
        return true;
      } catch {
        return false;
      }
    },
    serverAddress: () =>
      secure
        ? `${formatHost(secure.front.hostname)}:${secure.front.port}`
        : server
          ? `${server.hostname}:${server.port}`
          : "127.0.0.1:8080",
  });

  const handlerFor =
    (user: UserInfo): FetchHandler =>
    (req) =>
      chainHandler(withUser(req, user));
  const handler = handlerFor(LOOPBACK_USER);
  if (options.bindAddress !== undefined) {
    server = Bun.serve({
      hostname: options.bindAddress,
      port: options.port ?? 8080,
      fetch: (req, srv) => {
        const malformed = malformedRequest(req);
        if (malformed) return malformed;
        receivedBy.set(req, srv);
        contextOf(req).overSocket = true;
        if (options.requestTimeoutMs !== undefined)
          contextOf(req).requestTimeoutMs = options.requestTimeoutMs;
        return chainHandler(withUser(req, UNSECURED_USER));
      },
      // Never Bun's development error page: what escapes the chain leaves as a Status.
      development: false,
      error: serverErrorResponse,
      // exec, attach and port-forward: websockets relayed to the kubelet.
      websocket: relayWebSocket,
      // Watches and log follows stay open for as long as the client wants.
      idleTimeout: 0,
    });
  }
  if (options.secure)
    secure = startSecureServer(options.secure, chainHandler, receivedBy, options.requestTimeoutMs);
  // SPDY/3.1 upgrades (exec, attach, port-forward): the TLS front hands the connection over.
  if (secure) {
    const front = secure;
    ctx.takeOver = (req) => front.takeOver(received(req), receivedBy.get(received(req)));
  }
  const crdEntry = registry.lookup("apiextensions.k8s.io", "v1", "customresourcedefinitions");
  const crds = crdEntry ? new CrdController(registry, crdEntry, ctx, log) : undefined;
  await crds?.start();
  const url = server ? `http://${formatHost(server.hostname ?? "127.0.0.1")}:${server.port}` : undefined;
  const secureUrl = secure ? `https://${formatHost(secure.front.hostname)}:${secure.front.port}` : undefined;
  const publicBind = options.secure?.bindAddress ?? options.bindAddress;
  const endpoint = {
    kubernetesServiceIp: nthAddress(admission.serviceRange, 1),
    endpointAddress:
      options.advertiseAddress ??
      (publicBind && publicBind !== "0.0.0.0" && publicBind !== "::" ? publicBind : "127.0.0.1"),
    endpointPort: secure?.front.port ?? server?.port ?? options.port ?? 8080,
  };
  await bootstrap(ctx, endpoint);
  const apiServices = new ApiServiceController(ctx, log);
  ctx.aggregator = apiServices.aggregator;
  apiServices.start();

  const compaction = startCompaction(options.kv, options.compactionIntervalMs ?? 5 * 60_000, log);
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  let stopped = false;
  return {
    name: "apiserver",
    ready: Promise.resolve(),
    done,
    handler,
    handlerFor,
    url,
    secureUrl,
    async advertise(address) {
      endpoint.endpointAddress = address;
      await reconcileEndpoints(ctx, endpoint);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      security?.stop?.();
      if (compaction) clearInterval(compaction);
      crds?.stop();
      await apiServices.stop();
      admission.stop();
      await Promise.all([server?.stop(true), secure?.stop()]);
      resolveDone();
    },
  };
}

let protobufDecoding: typeof ProtobufDecoding | undefined;

function decodeProtobuf(body: Uint8Array): Record<string, unknown> {
  // protobufjs (with long's WebAssembly) and the Kubernetes .proto texts load on the first
  // protobuf body, which an idle cluster never receives (a synchronous require: the decoder is sync).
  protobufDecoding ??= require("./protobuf/decode-kubernetes-protobuf.ts") as typeof ProtobufDecoding;
  try {
    return protobufDecoding.decodeKubernetesProtobuf(body).object;
  } catch (err) {
    if (!(err instanceof ProtobufError)) throw err;
    if (err.code === 415) throw StatusError.unsupportedMediaType([`application/json (${err.message})`]);
    throw StatusError.badRequest(`the protobuf body could not be decoded: ${err.message}`);
  }
}

function formatHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

function tableOf(t: TableRequest, now: Date): object {
  const columns = t.entry.columns;
  const include = t.includeObject === "Object" || t.includeObject === "None" ? t.includeObject : "Metadata";
  const input = {
    apiVersion: t.entry.info.group ? `${t.entry.info.group}/${t.entry.info.version}` : t.entry.info.version,
    kind: t.entry.info.kind,
    objects: t.objects,
    now,
    includeObject: include as "Metadata" | "Object" | "None",
    noHeaders: t.noHeaders,
    tableVersion: t.wanted.tableVersion,
    ...(columns ? { customResourceColumns: columns } : {}),
    ...(t.listMeta?.resourceVersion ? { resourceVersion: t.listMeta.resourceVersion } : {}),
    ...(t.listMeta?.continue ? { continue: t.listMeta.continue } : {}),
    ...(t.listMeta?.remainingItemCount !== undefined
      ? { remainingItemCount: t.listMeta.remainingItemCount }
      : {}),
  };
  return toTable(input);
}

function validateMeta(entry: Entry, obj: KObject): StatusCause[] {
  const m = obj.metadata ?? {};
  const custom = m.name && entry.strategy.validateName;
  return [
    ...(custom
      ? custom(m.name as string)
      : objectName(m.name, m.generateName, entry.strategy.nameIsLabel === true)),
    ...labelsAndAnnotations(m),
    ...managedFieldsCauses(m.managedFields),
  ];
}

/**
 * Every interval, compact to the revision seen one interval earlier, so that watchers and
 * paged lists always have at least one interval of history (upstream's compactor).
 */
function startCompaction(
  kv: KV,
  intervalMs: number,
  log: (line: string) => void,
): ReturnType<typeof setInterval> | undefined {
  if (intervalMs <= 0) return undefined;
  let previous = 0;
  const timer = setInterval(async () => {
    try {
      const status = await kv.status();
      if (previous > status.compactRevision) await kv.compact(previous);
      previous = status.revision;
    } catch (err) {
      log(`compaction: ${(err as Error).message}`);
    }
  }, intervalMs);
  timer.unref?.();
  return timer;
}
