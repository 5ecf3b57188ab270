// An apiserver stack for the authorization tests: kube's registry, admission and bootstrap (with
// the default RBAC policy) behind a test filter that takes the user from the bearer token
// (`name` or `name|group1,group2`), then the real impersonation and authorization filters with
// the authorizer built from --authorization-mode values, on a loopback port for the real kubectl.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Server } from "bun";
import { KubeAdmission } from "../../components/apiserver/admission/admission.ts";
import type { ApiContext } from "../../components/apiserver/api-context.ts";
import { createApiHandler } from "../../components/apiserver/api-handler.ts";
import type { UserInfo } from "../../components/apiserver/authn/user-info.ts";
import { installAuthorization } from "../../components/apiserver/authz/install-authorization.ts";
import { type Authorization, buildAuthorizer } from "../../components/apiserver/authz/union.ts";
import { bootstrap } from "../../components/apiserver/bootstrap.ts";
import { codecFor } from "../../components/apiserver/conversion/codecs.ts";
import { withAuthorization } from "../../components/apiserver/filters/authorization.ts";
import type { Filter } from "../../components/apiserver/filters/chain.ts";
import { withImpersonation } from "../../components/apiserver/filters/impersonation.ts";
import { withUser } from "../../components/apiserver/filters/request-context.ts";
import { ApiMetrics } from "../../components/apiserver/metrics.ts";
import { decodeKubernetesProtobuf } from "../../components/apiserver/protobuf/decode-kubernetes-protobuf.ts";
import { Registry } from "../../components/apiserver/registry/registry.ts";
import { strategyFor } from "../../components/apiserver/strategies/strategy-table.ts";
import { labelsAndAnnotations, objectName } from "../../components/apiserver/validation/names.ts";
import { RESOURCES } from "../../lib/api/resources.ts";
import { ApiClient } from "../../lib/client/api-client.ts";
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
  const handler = createApiHandler({
    ctx,
    metrics: new ApiMetrics(),
    // The real impersonation and authorization filters, behind the test's token-to-user one.
    filters: [authenticate, withImpersonation(authz.authorizer), withAuthorization(authz.authorizer)],
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
