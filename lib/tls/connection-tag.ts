// The header the TLS front puts in every request it forwards over a unix-socket hop, naming the
// client connection it came through: `<per-front secret>:<connection id>`. Only the front knows
// the secret, so a header a client wrote (or one sent straight to the inner socket) names nothing.
import { randomBytes, timingSafeEqual } from "node:crypto";

export const FRONT_CONNECTION_HEADER = "x-kube-front-connection";

export class ConnectionTag {
  private readonly secret = randomBytes(16).toString("hex");
  private readonly secretBytes = Buffer.from(this.secret, "latin1");

  /** The header line for connection `id`, CRLF-terminated. */
  line(id: number): Uint8Array {
    return Buffer.from(`${FRONT_CONNECTION_HEADER}: ${this.secret}:${id}\r\n`, "latin1");
  }

  /** The connection a request names, removing the header; undefined when absent or not this front's. */
  read(req: Request): number | undefined {
    const value = req.headers.get(FRONT_CONNECTION_HEADER);
    if (value === null) return undefined;
    req.headers.delete(FRONT_CONNECTION_HEADER);
    const colon = value.indexOf(":");
    if (colon !== this.secret.length) return undefined;
    if (!timingSafeEqual(Buffer.from(value.slice(0, colon), "latin1"), this.secretBytes)) return undefined;
    const digits = value.slice(colon + 1);
    return /^\d{1,15}$/.test(digits) ? Number(digits) : undefined;
  }
}
