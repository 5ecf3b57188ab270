// A clock for tests (k8s.io/utils/clock/testing FakeClock): time stands still until step() or
// setTime() moves it; timers that come due then fire in due order, each on a microtask.

import { type Clock, sleepOn, type Timer } from "./clock.ts";

interface Waiter {
  at: number;
  seq: number;
  fn: () => void;
}

export class FakeClock implements Clock {
  private time: number;
  private seq = 0;
  private readonly waiters = new Set<Waiter>();

  constructor(start: number | Date = Date.UTC(2024, 0, 1)) {
    this.time = typeof start === "number" ? start : start.getTime();
  }

  now(): number {
    return this.time;
  }

  after(ms: number, fn: () => void): Timer {
    const waiter: Waiter = { at: this.time + Math.max(0, ms), seq: this.seq++, fn };
    this.waiters.add(waiter);
    if (ms <= 0) this.fireDue();
    return { stop: () => this.waiters.delete(waiter) };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }

  /** Moves time forward by `ms` and fires every timer that comes due. */
  step(ms: number): void {
    this.setTime(this.time + ms);
  }

  /** Sets the time (it may not go back) and fires every timer that comes due. */
  setTime(time: number | Date): void {
    const t = typeof time === "number" ? time : time.getTime();
    if (t < this.time) throw new Error(`FakeClock: cannot go back from ${this.time} to ${t}`);
    this.time = t;
    this.fireDue();
  }

  /** How many timers are pending (tests wait for a component to arm its timer before stepping). */
  get waiterCount(): number {
    return this.waiters.size;
  }

  private fireDue(): void {
    const due = [...this.waiters]
      .filter((w) => w.at <= this.time)
      .sort((a, b) => a.at - b.at || a.seq - b.seq);
    for (const w of due) {
      this.waiters.delete(w);
      queueMicrotask(w.fn);
    }
  }
}
