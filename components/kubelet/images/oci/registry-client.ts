// A client for one repository on an OCI distribution registry (distribution-spec spec.md): GET
// manifests by tag or digest and blobs by digest, answering 401 challenges once per scope.
// Loopback registries are spoken to over plain http, as docker and containerd allow by default.

import { MANIFEST_ACCEPT } from "./image-manifest.ts";
import { type ImageReference, registryHost } from "./image-reference.ts";
import { authorize, type Challenge, parseChallenge, type RegistryCredentials } from "./registry-auth.ts";

/** A registry answer that is not the content asked for; `notFound` for 404s. */
export class RegistryError extends Error {
  override name = "RegistryError";
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
  get notFound(): boolean {
    return this.status === 404;
  }
}

function isLoopback(host: string): boolean {
  const name = host.replace(/:\d+$/, "").replace(/^\[|\]$/g, "");
  return name === "localhost" || name === "::1" || /^127\.\d+\.\d+\.\d+$/.test(name);
}

/** The registry's own words from a distribution error body (`errors[].code/message`). */
async function serverMessage(response: Response): Promise<string> {
  const text = await response.text().catch(() => "");
  try {
    const body = JSON.parse(text) as { errors?: { code?: string; message?: string }[] };
    const parts = (body.errors ?? []).map((e) =>
      [e.code?.toLowerCase(), e.message].filter(Boolean).join(": "),
    );
    if (parts.length > 0) return parts.join("; ");
  } catch {}
  return text.trim().slice(0, 200);
}

const MANIFEST_TIMEOUT_MS = 60_000;

export interface RegistryClientOptions {
  credentials?: RegistryCredentials;
  fetch?: typeof fetch;
  /** Override the scheme decision (tests with TLS registries). */
  scheme?: "http" | "https";
}

export class RegistryClient {
  private authorization: string | undefined;
  private challenged = false;
  private readonly base: string;
  private readonly fetcher: typeof fetch;

  constructor(
    private readonly ref: ImageReference,
    private readonly options: RegistryClientOptions = {},
  ) {
    const host = registryHost(ref);
    const scheme = options.scheme ?? (isLoopback(host) ? "http" : "https");
    this.base = `${scheme}://${host}/v2/${ref.path}`;
    this.fetcher = options.fetch ?? fetch;
  }

  private async request(path: string, accept: string, timeoutMs?: number): Promise<Response> {
    const url = `${this.base}${path}`;
    for (;;) {
      const headers: Record<string, string> = { accept };
      if (this.authorization) headers.authorization = this.authorization;
      let response: Response;
      try {
        const signal = timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs);
        response = await this.fetcher(url, { headers, ...(signal ? { signal } : {}) });
      } catch (error) {
        throw new RegistryError(`failed to do request: GET ${url}: ${(error as Error).message}`, 0);
      }
      if (response.status === 401 && !this.challenged) {
        this.challenged = true;
        const challenge: Challenge | undefined = parseChallenge(
          response.headers.get("www-authenticate") ?? "",
        );
        await response.body?.cancel();
        if (challenge) {
          try {
            this.authorization = await authorize(
              challenge,
              `repository:${this.ref.path}:pull`,
              this.options.credentials,
              this.fetcher,
            );
          } catch (error) {
            throw new RegistryError((error as Error).message, 401);
          }
          if (this.authorization) continue;
        }
        throw new RegistryError(`unexpected status from GET request to ${url}: 401 Unauthorized`, 401);
      }
      if (response.ok) return response;
      const message = await serverMessage(response);
      if (response.status === 401 || response.status === 403) {
        throw new RegistryError(
          `pull access denied, repository does not exist or may require authorization: server message: ${message || `${response.status} ${response.statusText}`}`,
          response.status,
        );
      }
      if (response.status === 404)
        throw new RegistryError(message ? `not found: ${message}` : "not found", 404);
      throw new RegistryError(
        `unexpected status from GET request to ${url}: ${response.status} ${response.statusText}${message ? `: ${message}` : ""}`,
        response.status,
      );
    }
  }

  /** The manifest (or index) a tag or digest names, with its bytes and media type. */
  async manifest(reference: string): Promise<{ bytes: Uint8Array; mediaType: string; digest?: string }> {
    // A registry that never answers must not hold the container start forever (containerd: 5 min idle).
    const response = await this.request(`/manifests/${reference}`, MANIFEST_ACCEPT, MANIFEST_TIMEOUT_MS);
    const length = Number(response.headers.get("content-length") ?? "0");
    if (length > 4 * 1024 * 1024)
      throw new RegistryError(`manifest of ${length} bytes is over the 4 MiB limit`, 0);
    const bytes = new Uint8Array(await response.arrayBuffer());
    return {
      bytes,
      mediaType: response.headers.get("content-type") ?? "",
      ...(response.headers.get("docker-content-digest")
        ? { digest: response.headers.get("docker-content-digest") ?? "" }
        : {}),
    };
  }

  /** A blob's bytes as a stream (the registry may redirect to storage). */
  async blob(digest: string): Promise<AsyncIterable<Uint8Array>> {
    const response = await this.request(`/blobs/${digest}`, "*/*");
    if (!response.body) throw new RegistryError(`empty body for blob ${digest}`, 0);
    return response.body;
  }
}
