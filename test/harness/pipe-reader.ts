// Reads a child's stdout/stderr pipe that a grandchild may still hold open after the child
// exited (a leftover pod process, a sleep forked by a shell): `settle` stops waiting for the end.

export interface PipeReader {
  /** Everything read so far. */
  text(): string;
  /** Resolves when the pipe ended, or when `settle` gave up on it. */
  readonly done: Promise<void>;
  /** Waits up to `graceMs` more for the end, then stops reading; true if the pipe really ended. */
  settle(graceMs: number): Promise<boolean>;
}

export function readPipe(stream: ReadableStream<Uint8Array>, onChunk?: () => void): PipeReader {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let ended = false;
  let gaveUp = false;
  const done = (async () => {
    try {
      for (;;) {
        const { done: end, value } = await reader.read();
        if (end) break;
        text += decoder.decode(value, { stream: true });
        onChunk?.();
      }
      ended = !gaveUp;
    } catch {
      // cancelled by settle(), or the pipe broke: what was read stays
    }
  })();
  return {
    text: () => text,
    done,
    settle: async (graceMs) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([done, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
      clearTimeout(timer);
      if (!ended) {
        gaveUp = true;
        await reader.cancel().catch(() => {});
      }
      await done;
      return ended;
    },
  };
}
