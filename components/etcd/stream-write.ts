// Writes to a server stream with backpressure: waits for "drain" when the transport's buffer is
// full, and gives up waiting once the call ends, so a writer never hangs on a dead stream.
import type { EventEmitter } from "node:events";

interface WritableCall extends EventEmitter {
  write(message: unknown): boolean;
}

export function writeMessage(call: WritableCall, message: unknown): Promise<void> {
  if (call.write(message)) return Promise.resolve();
  return new Promise((resolve) => {
    const events = ["drain", "close", "error", "cancelled", "finish"] as const;
    const done = () => {
      for (const event of events) call.off(event, done);
      resolve();
    };
    for (const event of events) call.on(event, done);
  });
}
