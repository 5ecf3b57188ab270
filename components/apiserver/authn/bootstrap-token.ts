// Bootstrap tokens `<id>.<secret>` (kubeadm join, TLS bootstrap): upstream's
// plugin/pkg/auth/authenticator/token/bootstrap. The Secret kube-system/bootstrap-token-<id> of
// type bootstrap.kubernetes.io/token must match, be unexpired and allow authentication.
import { timingSafeEqual } from "node:crypto";
import type { AuthResult } from "./authenticator.ts";
import type { ObjectGetter } from "./object-getter.ts";
import type { TokenAuthenticator } from "./token-authenticator.ts";
import { GROUPS } from "./user-info.ts";

const TOKEN = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
const EXTRA_GROUP = /^system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]$/;
export const BOOTSTRAP_TOKEN_SECRET_TYPE = "bootstrap.kubernetes.io/token";

export class BootstrapTokenAuthenticator implements TokenAuthenticator {
  constructor(
    private readonly objects: ObjectGetter,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async authenticateToken(token: string): Promise<AuthResult> {
    const m = TOKEN.exec(token);
    if (!m) return { kind: "none" };
    const [, id, secretPart] = m as unknown as [string, string, string];
    // Every mismatch below is "not a token I know" (upstream logs why and answers no opinion).
    const none: AuthResult = { kind: "none" };
    let secret: Awaited<ReturnType<ObjectGetter["get"]>>;
    try {
      secret = await this.objects.get("secrets", "kube-system", `bootstrap-token-${id}`);
    } catch (err) {
      return { kind: "error", message: (err as Error).message };
    }
    if (!secret || secret.metadata?.deletionTimestamp) return none;
    if (secret.type !== BOOTSTRAP_TOKEN_SECRET_TYPE || !secret.data) return none;
    const data = secret.data as Record<string, string>;
    const get = (k: string) => Buffer.from(data[k] ?? "", "base64").toString("utf8");
    const stored = Buffer.from(get("token-secret"));
    const given = Buffer.from(secretPart);
    if (stored.length !== given.length || !timingSafeEqual(stored, given)) return none;
    if (get("token-id") !== id) return none;
    const expiration = get("expiration");
    if (expiration) {
      const at = Date.parse(expiration);
      // An unreadable expiration counts as expired, as upstream's HasExpired.
      if (Number.isNaN(at) || at < this.now().getTime()) return none;
    }
    if (get("usage-bootstrap-authentication") !== "true") return none;
    const groups = new Set<string>([GROUPS.bootstrappers]);
    const extra = get("auth-extra-groups");
    if (extra) {
      for (const g of extra.split(",")) {
        if (!EXTRA_GROUP.test(g)) return none;
        groups.add(g);
      }
    }
    return { kind: "ok", user: { username: `system:bootstrap:${id}`, groups: [...groups].sort() } };
  }
}
