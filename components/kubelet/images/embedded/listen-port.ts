// The port an embedded server listens on: $PORT when set (0 lets the OS pick, for tests),
// else the image's well-known port, as the container images they stand in for use.

/** Parses $PORT; throws naming the bad value. */
export function listenPort(env: Record<string, string | undefined>, defaultPort: number): number {
  const raw = env.PORT;
  if (raw === undefined || raw === "") return defaultPort;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isInteger(port) || port > 65535) {
    throw new Error(`invalid PORT "${raw}": want a port number from 0 to 65535`);
  }
  return port;
}
