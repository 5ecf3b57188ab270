// What the user may do, asked of the API (SelfSubjectAccessReview), so the UI disables what
// RBAC would refuse. The API still decides: a disabled button is a hint, not the check.
import { apiJson, type Session } from "./api-session.ts";

export interface AccessQuery {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

export async function canI(s: Session, q: AccessQuery): Promise<boolean> {
  try {
    const review = await apiJson<{ status?: { allowed?: boolean } }>(
      s,
      "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
      {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          apiVersion: "authorization.k8s.io/v1",
          kind: "SelfSubjectAccessReview",
          spec: { resourceAttributes: { ...q } },
        }),
      },
    );
    return review.status?.allowed === true;
  } catch {
    return false;
  }
}

/** The user's name as the API sees it (SelfSubjectReview); undefined when not answered. */
export async function whoAmI(s: Session): Promise<string | undefined> {
  try {
    const r = await apiJson<{ status?: { userInfo?: { username?: string } } }>(
      s,
      "/apis/authentication.k8s.io/v1/selfsubjectreviews",
      {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" }),
      },
    );
    return r.status?.userInfo?.username;
  } catch {
    return undefined;
  }
}
