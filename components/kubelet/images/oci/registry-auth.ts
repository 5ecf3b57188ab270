// The distribution token auth flow (distribution docs/spec/auth/token.md): a 401 carries a
// `WWW-Authenticate` challenge, Bearer (ask the realm for a token, with Basic credentials if
// any) or Basic (send the credentials); the retried request carries the result.

export interface RegistryCredentials {
  username?: string;
  password?: string;
  /** An OAuth2 refresh token (docker config `identitytoken`). */
  identityToken?: string;
  /** A bearer token sent as is (docker config `registrytoken`). */
  registryToken?: string;
}

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses `Bearer realm="https://auth",service="reg",scope="repository:x:pull"` (first challenge). */
export function parseChallenge(header: string): Challenge | undefined {
  const match = /^\s*([A-Za-z]+)\s*(.*)$/s.exec(header);
  if (!match) return undefined;
  const params: Record<string, string> = {};
  const re = /([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?\s*/g;
  for (let m = re.exec(match[2] ?? ""); m !== null; m = re.exec(match[2] ?? "")) {
    params[(m[1] ?? "").toLowerCase()] = m[2] === undefined ? (m[3] ?? "") : m[2].replace(/\\(.)/g, "$1");
  }
  return { scheme: (match[1] ?? "").toLowerCase(), params };
}

const basic = (c: RegistryCredentials): string | undefined =>
  c.username === undefined
    ? undefined
    : `Basic ${Buffer.from(`${c.username}:${c.password ?? ""}`).toString("base64")}`;

/**
 * The Authorization header value answering `challenge` for `scope`, or an Error with the token
 * server's words. Bearer without credentials asks anonymously, as docker does.
 */
export async function authorize(
  challenge: Challenge,
  scope: string,
  credentials: RegistryCredentials | undefined,
  fetcher: typeof fetch,
): Promise<string | undefined> {
  if (challenge.scheme === "basic") return credentials ? basic(credentials) : undefined;
  if (challenge.scheme !== "bearer")
    throw new Error(`unsupported authorization scheme "${challenge.scheme}"`);
  if (credentials?.registryToken) return `Bearer ${credentials.registryToken}`;
  const realm = challenge.params.realm;
  if (!realm) throw new Error("bearer challenge without a realm");
  const url = new URL(realm);
  if (challenge.params.service) url.searchParams.set("service", challenge.params.service);
  url.searchParams.set("scope", challenge.params.scope ?? scope);
  const headers: Record<string, string> = {};
  const auth = credentials && basic(credentials);
  if (auth) headers.authorization = auth;
  const response = await fetcher(url, { headers });
  if (!response.ok) {
    const what = auth ? "failed to fetch oauth token" : "failed to fetch anonymous token";
    throw new Error(
      `failed to authorize: ${what}: unexpected status from GET request to ${url.origin}${url.pathname}: ${response.status} ${response.statusText}`,
    );
  }
  const body = (await response.json()) as { token?: string; access_token?: string };
  const token = body.token ?? body.access_token;
  if (!token) throw new Error("failed to authorize: token server returned no token");
  return `Bearer ${token}`;
}
