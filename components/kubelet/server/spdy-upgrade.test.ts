import { describe, expect, test } from "bun:test";
import type { StatusError } from "../../../lib/errors/status-error.ts";
import type { RawConnection } from "../../../lib/tls/raw-connection.ts";
import { acceptSpdyUpgrade, isSpdyUpgrade, negotiateStreamProtocol } from "./spdy-upgrade.ts";

function req(headers: [string, string][]): Request {
  const h = new Headers();
  for (const [k, v] of headers) h.append(k, v);
  return new Request("http://x/exec/a/b/c", { method: "POST", headers: h });
}

function errorOf(f: () => unknown): StatusError {
  try {
    f();
  } catch (err) {
    return err as StatusError;
  }
  throw new Error("no error");
}

describe("the SPDY upgrade", () => {
  test("recognised by Upgrade: SPDY/3.1 with Connection: Upgrade", () => {
    expect(
      isSpdyUpgrade(
        req([
          ["Upgrade", "SPDY/3.1"],
          ["Connection", "Upgrade"],
        ]),
      ),
    ).toBe(true);
    expect(isSpdyUpgrade(req([["Upgrade", "SPDY/3.1"]]))).toBe(false);
    expect(
      isSpdyUpgrade(
        req([
          ["Upgrade", "websocket"],
          ["Connection", "Upgrade"],
        ]),
      ),
    ).toBe(false);
  });

  test("negotiation picks the client's first protocol the server accepts (repeated headers)", () => {
    const r = req([
      ["X-Stream-Protocol-Version", "v5.channel.k8s.io"],
      ["X-Stream-Protocol-Version", "v4.channel.k8s.io"],
      ["X-Stream-Protocol-Version", "v3.channel.k8s.io"],
    ]);
    expect(negotiateStreamProtocol(r, ["v3.channel.k8s.io", "v4.channel.k8s.io"])).toBe("v4.channel.k8s.io");
  });

  test("a missing header is 400, no common protocol 403, with upstream's messages", () => {
    const missing = errorOf(() => negotiateStreamProtocol(req([]), ["portforward.k8s.io"]));
    expect(missing.code).toBe(400);
    expect(missing.message).toBe("unable to upgrade: X-Stream-Protocol-Version is required");
    const none = errorOf(() =>
      negotiateStreamProtocol(req([["X-Stream-Protocol-Version", "v9, v8"]]), ["portforward.k8s.io"]),
    );
    expect(none.code).toBe(403);
    expect(none.message).toBe(
      "unable to upgrade: unable to negotiate protocol: client supports [v9 v8], server accepts [portforward.k8s.io]",
    );
  });

  test("accepting writes the 101 with the chosen protocol; without a front it is a 400", () => {
    const written: string[] = [];
    const conn: RawConnection = {
      write: (b) => void written.push(new TextDecoder().decode(b)),
      end: () => undefined,
      pauseReading: () => undefined,
      resumeReading: () => undefined,
      start: () => undefined,
    };
    expect(acceptSpdyUpgrade(() => conn, req([]), "v4.channel.k8s.io")).toBe(conn);
    expect(written[0]).toStartWith(
      "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n",
    );
    expect(written[0]).toEndWith("\r\n\r\n");
    const err = errorOf(() => acceptSpdyUpgrade(() => undefined, req([]), "portforward.k8s.io"));
    expect(err.code).toBe(400);
    expect(err.message).toContain("SPDY/3.1 upgrades need the kubelet's TLS serving");
  });
});
