// The browser assets, embedded: the small page script and stylesheet, and the bundles of the
// terminal (@xterm/xterm), the metrics charts (uplot) and the YAML editor (codemirror), built
// at compile time by a macro. Served under a content hash, so they are cached for good.
import { bundleClient } from "./bundle-macro.ts" with { type: "macro" };
import { CLIENT_SCRIPT } from "./client-script.ts";
import { STYLES } from "./styles.ts";

export interface Asset {
  body: Uint8Array<ArrayBuffer>;
  type: string;
  /** The body is gzip (served as Content-Encoding: gzip, or unzipped for a client without it). */
  gzip: boolean;
  /** The content's hash, part of the asset's URL. */
  hash: string;
}

const JS = "text/javascript; charset=utf-8";
/** name -> [text, or base64 of gzip; type; gzipped]. */
const SOURCES: Record<string, [string, string, boolean]> = {
  "app.js": [CLIENT_SCRIPT, JS, false],
  "app.css": [STYLES, "text/css; charset=utf-8", false],
  "terminal.js": [bundleClient("terminal.js"), JS, true],
  "charts.js": [bundleClient("charts.js"), JS, true],
  "editor.js": [bundleClient("editor.js"), JS, true],
};

export type AssetName = "app.js" | "app.css" | "terminal.js" | "charts.js" | "editor.js";

const assets = new Map<string, Asset>();

export function assetOf(name: string): Asset | undefined {
  let a = assets.get(name);
  const src = SOURCES[name];
  if (!a && src) {
    const [text, type, gzip] = src;
    const body = gzip ? new Uint8Array(Buffer.from(text, "base64")) : new TextEncoder().encode(text);
    a = { body, type, gzip, hash: Bun.hash(body).toString(36) };
    assets.set(name, a);
  }
  return a;
}

/** The asset's response: long-cached under its own hash; gzip as is when the client takes it. */
export function assetResponse(a: Asset, hash: string, acceptEncoding: string): Response {
  const headers: Record<string, string> = {
    "Content-Type": a.type,
    // Under its content hash an asset never changes; a stale hash gets today's, not kept.
    "Cache-Control": a.hash === hash ? "public, max-age=31536000, immutable" : "no-cache",
    Vary: "Accept-Encoding",
  };
  if (!a.gzip) return new Response(a.body, { headers });
  if (/\bgzip\b/.test(acceptEncoding))
    return new Response(a.body, { headers: { ...headers, "Content-Encoding": "gzip" } });
  return new Response(Bun.gunzipSync(a.body), { headers });
}

/** The URL of an asset under the dashboard's prefix: <prefix>/static/<hash>/<name>. */
export function assetUrl(prefix: string, name: AssetName): string {
  return `${prefix}/static/${assetOf(name)?.hash ?? "0"}/${name}`;
}
