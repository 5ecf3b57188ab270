// The dashboard's way to the API: every call is an ordinary API request, made as the browser
// session's token (Authorization: Bearer) or, without one, as the user the /ui/ request was
// authenticated as (kubectl proxy). Errors keep the API's Status code and message.
export type ApiFetch = (req: Request) => Promise<Response>;

export interface Session {
  api: ApiFetch;
  /** The bearer token the browser logged in with, if any. */
  token: string | undefined;
  /** scheme://host of the request, for building in-process request URLs. */
  origin: string;
  /** Where the dashboard is mounted ("/ui", or the kubernetes-dashboard service proxy path). */
  prefix: string;
}

/** A failed API call: the Status the API answered with. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly reason: string,
  ) {
    super(message);
  }
}

export function apiRequest(s: Session, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (s.token) headers.set("Authorization", `Bearer ${s.token}`);
  return s.api(new Request(`${s.origin}${path}`, { ...init, headers }));
}

/** The Status of a failed response as an ApiError (the message as the API wrote it). */
export async function errorOf(res: Response): Promise<ApiError> {
  const text = await res.text();
  try {
    const status = JSON.parse(text) as { message?: string; reason?: string };
    return new ApiError(res.status, status.message ?? text, status.reason ?? "");
  } catch {
    return new ApiError(res.status, text || res.statusText, "");
  }
}

export async function apiJson<T>(s: Session, path: string, init: RequestInit = {}): Promise<T> {
  const res = await apiRequest(s, path, init);
  if (!res.ok) throw await errorOf(res);
  return (await res.json()) as T;
}

/** Like apiJson, but a failure is undefined (optional panels: metrics, events). */
export async function apiJsonOr<T>(s: Session, path: string): Promise<T | undefined> {
  try {
    return await apiJson<T>(s, path);
  } catch {
    return undefined;
  }
}
