// Waits for a condition in a unit test (polling each millisecond, never a fixed sleep); fails
// with `what` after `timeoutMs` so a broken test ends instead of hanging.

export async function waitFor(what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await Bun.sleep(1);
  }
}
