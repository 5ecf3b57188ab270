// Waiting for a condition instead of sleeping: polls `fn` until it returns a value other than
// undefined (errors count as "not yet"), and fails naming what it waited for and the last error.

export async function until<T>(
  what: string,
  fn: () => Promise<T | undefined> | T | undefined,
  options: { timeoutMs?: number; intervalMs?: number; onTimeout?: (what: string) => Promise<void> } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await fn();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 50));
  }
  await options.onTimeout?.(what);
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
}
