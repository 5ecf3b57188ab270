// The serviceaccount-token controller (upstream pkg/controller/serviceaccount/tokens_controller.go,
// as it is since legacy tokens stopped being generated): a Secret of type
// kubernetes.io/service-account-token naming an account in its kubernetes.io/service-account.name
// annotation gets a legacy JWT (`token`), `ca.crt`, `namespace` and the account's uid annotation;
// one whose account is gone (or has another uid) is deleted, as are an account's tokens with it.

import type { Secret, ServiceAccount } from "kubernetes-types/core/v1";
import { isStatus } from "../../../lib/client/api-client.ts";
import { resource } from "../../../lib/client/resource-client.ts";
import { loadSigningKey } from "../../../lib/serviceaccount/signing-key.ts";
import { legacyClaims } from "../../../lib/serviceaccount/token-claims.ts";
import { TokenSigner } from "../../../lib/serviceaccount/token-signer.ts";
import { WorkQueue } from "../../../lib/workqueue/work-queue.ts";
import { runController, type SyncingController } from "../common/run-controller.ts";
import type { ControllerContext, ControllerDescriptor, RunningController } from "../controller.ts";

export const SERVICE_ACCOUNT_TOKEN_TYPE = "kubernetes.io/service-account-token";
export const SERVICE_ACCOUNT_NAME_KEY = "kubernetes.io/service-account.name";
export const SERVICE_ACCOUNT_UID_KEY = "kubernetes.io/service-account.uid";

export interface TokensControllerOptions {
  /** Signs the legacy tokens (`--service-account-private-key-file`). */
  signer: TokenSigner;
  /** `--root-ca-file` contents, written as ca.crt; empty: no ca.crt. */
  rootCA?: string;
}

/** A running controller; sync: processes one queue key: `secret/<ns>/<name>` or `serviceaccount/<ns>/<name>/<uid>`. */
export type TokensController = SyncingController;

const b64 = (text: string): string => Buffer.from(text).toString("base64");
const unb64 = (value: string | undefined): string => (value ? Buffer.from(value, "base64").toString() : "");

export function startTokensController(
  context: ControllerContext,
  options: TokensControllerOptions,
): TokensController {
  const { client, log } = context;
  const queue = new WorkQueue();
  const secrets = context.informers.for<Secret>("/api/v1/secrets");
  const accounts = context.informers.for<ServiceAccount>("/api/v1/serviceaccounts");
  const rootCA = options.rootCA ?? "";

  const enqueueSecret = (s: Secret): void => {
    if (s.type === SERVICE_ACCOUNT_TOKEN_TYPE && s.metadata?.namespace && s.metadata.name)
      queue.add(`secret/${s.metadata.namespace}/${s.metadata.name}`);
  };
  const enqueueAccount = (sa: ServiceAccount): void => {
    const m = sa.metadata;
    if (m?.namespace && m.name) queue.add(`serviceaccount/${m.namespace}/${m.name}/${m.uid ?? ""}`);
  };
  secrets.addHandlers({ onAdd: enqueueSecret, onUpdate: (_old, s) => enqueueSecret(s) });
  accounts.addHandlers({
    onAdd: enqueueAccount,
    onUpdate: (_old, sa) => enqueueAccount(sa),
    onDelete: enqueueAccount,
  });

  /**
   * The account the secret names, if it exists with the uid the secret records (when it records
   * one). A cache miss is read live, so a lagging cache never gets a new token deleted.
   */
  const accountOf = async (secret: Secret): Promise<ServiceAccount | undefined> => {
    const ns = secret.metadata?.namespace ?? "";
    const name = secret.metadata?.annotations?.[SERVICE_ACCOUNT_NAME_KEY] ?? "";
    const uid = secret.metadata?.annotations?.[SERVICE_ACCOUNT_UID_KEY] ?? "";
    const sa =
      accounts.get(`${ns}/${name}`) ??
      (name
        ? await resource<ServiceAccount>(client, "serviceaccounts").namespace(ns).getIfExists(name)
        : undefined);
    if (!sa || (uid && sa.metadata?.uid !== uid)) return undefined;
    return sa;
  };

  const updateNeeded = (secret: Secret) => ({
    ca: rootCA.length > 0 && unb64(secret.data?.["ca.crt"]) !== rootCA,
    namespace: !secret.data?.namespace,
    token: !secret.data?.token,
  });

  const deleteSecret = async (ns: string, name: string, uid: string | undefined): Promise<void> => {
    try {
      await resource(client, "secrets")
        .namespace(ns)
        .delete(name, uid ? { uid } : undefined);
      log(`deleted token secret ${ns}/${name}: its service account is gone`);
    } catch (error) {
      if (isStatus(error, 404) || isStatus(error, 409)) return;
      throw error;
    }
  };

  const populate = async (sa: ServiceAccount, cached: Secret): Promise<void> => {
    const need = updateNeeded(cached);
    if (!need.ca && !need.namespace && !need.token) return;
    const ns = cached.metadata?.namespace ?? "";
    const secrets = resource<Secret>(client, "secrets").namespace(ns);
    // Work on a fresh copy; if the cache is behind, its update event brings us back.
    const live = await secrets.getIfExists(cached.metadata?.name ?? "");
    if (!live || live.metadata?.resourceVersion !== cached.metadata?.resourceVersion) return;
    const now = updateNeeded(live);
    const data = { ...(live.data ?? {}) };
    if (now.ca) data["ca.crt"] = b64(rootCA);
    if (now.namespace) data.namespace = b64(ns);
    if (now.token) data.token = b64(await options.signer.signLegacy(legacyClaims(sa, live)));
    live.data = data;
    live.metadata = {
      ...live.metadata,
      annotations: {
        ...(live.metadata?.annotations ?? {}),
        [SERVICE_ACCOUNT_NAME_KEY]: sa.metadata?.name ?? "",
        [SERVICE_ACCOUNT_UID_KEY]: sa.metadata?.uid ?? "",
      },
    };
    try {
      await secrets.update(live);
      log(`populated token secret ${ns}/${live.metadata.name} for service account ${sa.metadata?.name}`);
    } catch (error) {
      // Conflict: someone else wrote it and we will hear of it; NotFound: nothing to populate.
      if (isStatus(error, 409) || isStatus(error, 404)) return;
      throw error;
    }
  };

  const sync = async (key: string): Promise<void> => {
    const [kind, ns = "", name = "", uid = ""] = key.split("/");
    if (kind === "secret") {
      const secret = secrets.get(`${ns}/${name}`);
      if (!secret || secret.type !== SERVICE_ACCOUNT_TOKEN_TYPE) return;
      const sa = await accountOf(secret);
      if (!sa) {
        await deleteSecret(ns, name, secret.metadata?.uid);
        return;
      }
      await populate(sa, secret);
      return;
    }
    // An account: when it is gone, so are its tokens; when it exists, its tokens are populated.
    const sa = accounts.get(`${ns}/${name}`);
    for (const secret of secrets.listNamespace(ns)) {
      if (secret.type !== SERVICE_ACCOUNT_TOKEN_TYPE) continue;
      const annotations = secret.metadata?.annotations ?? {};
      if (annotations[SERVICE_ACCOUNT_NAME_KEY] !== name) continue;
      const recorded = annotations[SERVICE_ACCOUNT_UID_KEY];
      if (!sa || sa.metadata?.uid !== uid) {
        if (!recorded || recorded === uid)
          await deleteSecret(ns, secret.metadata?.name ?? "", secret.metadata?.uid);
      } else {
        queue.add(`secret/${ns}/${secret.metadata?.name}`);
      }
    }
  };

  return runController(context, {
    queue,
    sync,
    synced: [secrets.synced, accounts.synced],
  });
}

const NOTHING: RunningController = { stop: async () => undefined };

export const serviceAccountTokenController: ControllerDescriptor = {
  name: "serviceaccount-token",
  start(context) {
    const pem = context.options.serviceAccountPrivateKey;
    if (!pem) {
      context.log("serviceaccount-token is disabled: no --service-account-private-key-file");
      return NOTHING;
    }
    const signer = new TokenSigner(loadSigningKey(pem), "kubernetes/serviceaccount");
    return startTokensController(context, { signer, rootCA: context.options.rootCA });
  },
};
