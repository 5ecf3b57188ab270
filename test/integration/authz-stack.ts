// An apiserver stack for the authorization tests: kube's registry, admission and bootstrap (with
// the default RBAC policy) behind a chain of tiny test filters — a user from the bearer token
// (`name` or `name|group1,group2`), impersonation headers, and the authorizer built from
// --authorization-mode values — served on a loopback port for the real kubectl.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Server } from "bun";
import { KubeAdmission } from "../../components/apiserver/admission/admission.ts";
import { createApiHandler } from "../../components/apiserver/api-handler.ts";
import type { UserInfo } from "../../components/apiserver/authn/user-info.ts";
import type { Attributes } from "../../components/apiserver/authz/authorizer.ts";
import { installAuthorization } from "../../components/apiserver/authz/install-authorization.ts";
import { type Authorization, buildAuthorizer } from "../../components/apiserver/authz/union.ts";
import { bootstrap } from "../../components/apiserver/bootstrap.ts";
import { codecFor } from "../../components/apiserver/conversion/codecs.ts";
import type { Filter } from "../../components/apiserver/filters/chain.ts";
import { contextOf, userOf, withUser } from "../../components/apiserver/filters/request-context.ts";
import type { ApiContext } from "../../components/apiserver/handlers/context.ts";
import { ApiMetrics } from "../../components/apiserver/metrics.ts";
import { decodeKubernetesProtobuf } from "../../components/apiserver/protobuf/decode-kubernetes-protobuf.ts";
import { Registry } from "../../components/apiserver/registry/registry.ts";
import { requestInfo } from "../../components/apiserver/request-info.ts";
import { strategyFor } from "../../components/apiserver/strategies/strategy-table.ts";
import { labelsAndAnnotations, objectName } from "../../components/apiserver/validation/names.ts";
import { RESOURCES } from "../../lib/api/resources.ts";
import { ApiClient } from "../../lib/client/api-client.ts";
import { StatusError } from "../../lib/errors/status-error.ts";
import { statusResponse } from "../../lib/errors/status-response.ts";
import type { KV } from "../../storage/kv.ts";
import { openSqliteKV } from "../../storage/sqlite/sqlite-kv.ts";
import { type Kubectl, kubectlFor } from "../harness/kubectl.ts";
import { makeTestPki } from "../harness/openssl-pki.ts";

export interface AuthzStack {
  url: string;
  ctx: ApiContext;
  authz: Authorization;
  /** A client whose requests carry `user`'s token. */
  clientAs(user: string, groups?: string[]): ApiClient;
  /** The real kubectl with `user`'s token (client-go sends tokens only over TLS). */
  kubectlAs(user: string, groups?: string[]): (args: string[]) => ReturnType<Kubectl>;
  stop(): Promise<void>;
}

function userFromToken(req: Request): UserInfo {
  const auth = req.headers.get("authorization");
  if (!auth?.startsWith("Bearer "))
    return { username: "system:anonymous", groups: ["system:unauthenticated"] };
  const [name, groups] = auth.slice(7).split("|") as [string, string | undefined];
  return { username: name, groups: [...(groups ? groups.split(",") : []), "system:authenticated"] };
}

function attributesOf(user: UserInfo, req: Request): Attributes {
  const url = new URL(req.url);
  const info = contextOf(req).info ?? requestInfo(req.method, url);
  return {
    user,
    verb: info.verb,
    isResourceRequest: info.isResourceRequest,
    path: info.path,
    apiGroup: info.group,
    apiVersion: info.version,
    namespace: info.namespace,
    resource: info.resource,
    subresource: info.subresource,
    name: info.name,
  };
}

function forbidden(a: Attributes, reason: string | undefined): Response {
  const who = JSON.stringify(a.user.username);
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  let msg = !a.isResourceRequest
    ? `User ${who} cannot ${a.verb} path ${JSON.stringify(a.path)}`
    : a.namespace
      ? `User ${who} cannot ${a.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(a.apiGroup)} in the namespace ${JSON.stringify(a.namespace)}`
      : `User ${who} cannot ${a.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(a.apiGroup)} at the cluster scope`;
  if (reason) msg += `: ${reason}`;
  if (!a.isResourceRequest) return statusResponse(StatusError.of(403, "Forbidden", `forbidden: ${msg}`));
  return statusResponse(StatusError.forbidden({ group: a.apiGroup, resource: a.resource }, a.name, msg));
}

export async function startAuthzStack(modes: string[]): Promise<AuthzStack> {
  const dir = mkdtempSync(join(tmpdir(), "kt-authz-"));
  const kv: KV = await openSqliteKV({ dataDir: dir });
  let registry: Registry | undefined;
  const admission = new KubeAdmission({
    kv,
    registry: () => registry as Registry,
    serviceClusterIpRange: "10.96.0.0/12",
  });
  registry = new Registry({ kv, resources: RESOURCES, strategyFor, codecFor });
  const ctx: ApiContext = {
    registry,
    now: () => new Date(),
    admission,
    toTable: () => ({}),
    protobuf: (body) => decodeKubernetesProtobuf(body).object,
    validateMeta: (entry, obj) => {
      const m = obj.metadata ?? {};
      const custom = m.name && entry.strategy.validateName;
      return [
        ...(custom
          ? custom(m.name as string)
          : objectName(m.name, m.generateName, entry.strategy.nameIsLabel === true)),
        ...labelsAndAnnotations(m),
      ];
    },
  };
  await bootstrap(ctx, {
    kubernetesServiceIp: "10.96.0.1",
    endpointAddress: "127.0.0.1",
    endpointPort: 6443,
  });
  const authz = await buildAuthorizer(modes, { registry });
  installAuthorization(ctx, authz);

  const authenticate: Filter = (next) => (req) => next(withUser(req, userFromToken(req)));
  const impersonate: Filter = (next) => async (req) => {
    const as = req.headers.get("impersonate-user");
    if (!as) return next(req);
    const groups = (req.headers.get("impersonate-group") ?? "")
      .split(",")
      .map((g) => g.trim())
      .filter((g) => g);
    const check = {
      ...attributesOf(userOf(req), req),
      isResourceRequest: true,
      verb: "impersonate",
      apiGroup: "",
      namespace: "",
      subresource: "",
    };
    for (const [resource, name] of [["users", as], ...groups.map((g) => ["groups", g])] as [
      string,
      string,
    ][]) {
      const r = await authz.authorizer.authorize({ ...check, resource, name });
      if (r.decision !== "allow") return forbidden({ ...check, resource, name }, r.reason);
    }
    contextOf(req).user = { username: as, groups: [...groups, "system:authenticated"] };
    return next(req);
  };
  const authorize: Filter = (next) => async (req) => {
    const attrs = attributesOf(userOf(req), req);
    const r = await authz.authorizer.authorize(attrs);
    return r.decision === "allow" ? next(req) : forbidden(attrs, r.reason);
  };
  const handler = createApiHandler({
    ctx,
    metrics: new ApiMetrics(),
    filters: [authenticate, impersonate, authorize],
    storageHealthy: async () => true,
    serverAddress: () => "127.0.0.1:0",
  });
  const pki = makeTestPki();
  const leaf = pki.issue("apiserver");
  const server: Server<undefined> = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: handler,
    idleTimeout: 0,
    tls: { cert: leaf.certPem, key: leaf.keyPem },
  });
  const url = `https://127.0.0.1:${server.port}`;
  const token = (user: string, groups: string[]) =>
    groups.length > 0 ? `${user}|${groups.join(",")}` : user;
  const kubectls: Kubectl[] = [];
  return {
    url,
    ctx,
    authz,
    clientAs: (user, groups = []) =>
      new ApiClient({
        server: "http://kt-authz",
        fetch: (req) => {
          req.headers.set("authorization", `Bearer ${token(user, groups)}`);
          return handler(req);
        },
      }),
    kubectlAs(user, groups = []) {
      const k = kubectlFor(url);
      const config = k.file(
        "as-user",
        `apiVersion: v1
kind: Config
clusters: [{name: kt, cluster: {server: "${url}", certificate-authority: "${pki.ca.certFile}"}}]
contexts: [{name: kt, context: {cluster: kt, namespace: default, user: kt}}]
current-context: kt
users: [{name: kt, user: {token: "${token(user, groups)}"}}]
`,
      );
      kubectls.push(k);
      return (args) => k(["--kubeconfig", config, ...args]);
    },
    async stop() {
      for (const k of kubectls) k.cleanup();
      pki.remove();
      authz.stop();
      admission.stop();
      await server.stop(true);
      await kv.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
