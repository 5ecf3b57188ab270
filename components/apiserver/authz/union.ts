// `--authorization-mode`: the authorizers asked in order (the first allow or deny wins), with
// system:masters always allowed first, and the union of their rule resolvers for
// SelfSubjectRulesReview. Upstream: pkg/kubeapiserver/authorizer/config.go,
// k8s.io/apiserver pkg/authorization/union and authorizerfactory.
import { GROUPS, type UserInfo } from "../authn/user-info.ts";
import type { Registry } from "../registry/registry.ts";
import type { Attributes, Authorizer, AuthorizerResult, UserRules } from "./authorizer.ts";
import { NodeAuthorizer } from "./node-authorizer.ts";
import { aggregate, RbacAuthorizer, type RuleResolver } from "./rbac-authorizer.ts";

export const AUTHORIZATION_MODES = ["AlwaysAllow", "AlwaysDeny", "Node", "RBAC"] as const;

export interface Authorization {
  /** The union; its rulesFor() is the union of the authorizers' rules (SelfSubjectRulesReview). */
  authorizer: Authorizer & { rulesFor(user: UserInfo, namespace: string): UserRules };
  /** The RBAC rule resolver (escalation checks); absent when RBAC is not a mode. */
  rbac?: RuleResolver;
  stop(): void;
}

export interface AuthorizationDeps {
  registry: Registry;
  log?: (line: string) => void;
}

type Part = Authorizer & { stop?(): void };

const alwaysAllow: Part = {
  authorize: () => ({ decision: "allow" }),
  rulesFor: () => ({
    rules: [
      { verbs: ["*"], apiGroups: ["*"], resources: ["*"] },
      { verbs: ["*"], nonResourceURLs: ["*"] },
    ],
    incomplete: false,
  }),
};

const alwaysDeny: Part = {
  authorize: () => ({ decision: "deny", reason: "Everything is forbidden." }),
  rulesFor: () => ({ rules: [], incomplete: false }),
};

/** upstream's privilegedGroupAuthorizer: members of system:masters may do anything. */
const privilegedGroups: Authorizer = {
  authorize: (attrs) =>
    attrs.user.groups.includes(GROUPS.masters) ? { decision: "allow" } : { decision: "noOpinion" },
};

/** Asks each authorizer in order; the first allow or deny wins; reasons of the others are joined. */
export function unionAuthorizer(parts: Authorizer[]): Authorizer {
  return {
    async authorize(attrs: Attributes): Promise<AuthorizerResult> {
      const reasons: string[] = [];
      for (const part of parts) {
        const result = await part.authorize(attrs);
        if (result.decision !== "noOpinion") return result;
        if (result.reason) reasons.push(result.reason);
      }
      return reasons.length > 0
        ? { decision: "noOpinion", reason: reasons.join("\n") }
        : { decision: "noOpinion" };
    },
  };
}

/** Builds the authorizer of `--authorization-mode` (e.g. ["Node", "RBAC"]); throws on an unknown mode. */
export async function buildAuthorizer(modes: string[], deps: AuthorizationDeps): Promise<Authorization> {
  if (modes.length === 0) throw new Error("at least one authorization-mode must be passed");
  const seen = new Set<string>();
  const parts: Part[] = [];
  let rbac: RbacAuthorizer | undefined;
  for (const mode of modes) {
    if (seen.has(mode))
      throw new Error(`authorization-mode ${JSON.stringify(mode)} has mode specified more than once`);
    seen.add(mode);
    switch (mode) {
      case "AlwaysAllow":
        parts.push(alwaysAllow);
        break;
      case "AlwaysDeny":
        parts.push(alwaysDeny);
        break;
      case "Node":
        parts.push(await NodeAuthorizer.start(deps.registry, deps.log));
        break;
      case "RBAC": {
        rbac = await RbacAuthorizer.start(deps.registry, deps.log);
        const resolver = rbac;
        parts.push({
          authorize: (a) => resolver.authorize(a),
          rulesFor: (user, ns) => {
            const { rules, errors } = resolver.resolveRules(user, ns);
            return errors.length > 0
              ? { rules, incomplete: false, evaluationError: aggregate(errors) }
              : { rules, incomplete: false };
          },
          stop: () => resolver.stop(),
        });
        break;
      }
      default:
        throw new Error(
          `authorization-mode ${JSON.stringify(mode)} is not a valid mode (supported: ${AUTHORIZATION_MODES.join(", ")})`,
        );
    }
  }
  const union = unionAuthorizer([privilegedGroups, ...parts]);
  const authorizer = {
    authorize: union.authorize,
    rulesFor(user: UserInfo, namespace: string): UserRules {
      const out: UserRules = { rules: [], incomplete: false };
      const errors: string[] = [];
      for (const part of parts) {
        if (!part.rulesFor) continue;
        const r = part.rulesFor(user, namespace);
        out.rules.push(...r.rules);
        out.incomplete ||= r.incomplete;
        if (r.evaluationError) errors.push(r.evaluationError);
      }
      if (errors.length > 0) out.evaluationError = aggregate(errors);
      return out;
    },
  };
  return {
    authorizer,
    ...(rbac ? { rbac } : {}),
    stop() {
      for (const part of parts) part.stop?.();
    },
  };
}
