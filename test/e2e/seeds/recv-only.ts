// `ncat --recv-only IP PORT` for the seed walkthroughs: connect, read until the server closes,
// retried until it answers (a pod's server may not listen yet), so tests wait, never sleep.

import { until } from "../../harness/until.ts";

/** What the server at ip:port writes before closing the connection. */
export function recvOnly(ip: string, port = 80, timeoutMs = 20_000): Promise<string> {
  return until(
    `${ip}:${port} to answer`,
    () =>
      new Promise<string>((resolve, reject) => {
        let text = "";
        Bun.connect({
          hostname: ip,
          port,
          socket: {
            data: (_socket, data) => {
              text += data.toString();
            },
            close: () => resolve(text),
            error: (_socket, error) => reject(error),
            connectError: (_socket, error) => reject(error),
          },
        }).catch(reject);
      }),
    { timeoutMs, intervalMs: 100 },
  );
}
