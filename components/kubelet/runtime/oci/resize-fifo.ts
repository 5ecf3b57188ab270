// A tty container's window size for its monitor: "<cols> <rows>" lines written to the resize FIFO
// in its state dir (the monitor applies them to the pty with TIOCSWINSZ).

import { closeSync, constants, openSync, writeSync } from "node:fs";

/** "<cols> <rows>" to a tty container's resize FIFO; never blocks (no reader: the monitor is gone). */
export function writeResize(path: string, width: number, height: number): void {
  if (!(width > 0 && height > 0)) return;
  try {
    const fd = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
    try {
      writeSync(fd, `${Math.floor(width)} ${Math.floor(height)}\n`);
    } finally {
      closeSync(fd);
    }
  } catch {
    // The container ended.
  }
}
