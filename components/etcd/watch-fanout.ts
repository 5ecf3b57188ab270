// One store watch per watched range and options, shared by every etcd watch of this server that
// can join it: each change is taken from the store once and handed to every member synchronously,
// instead of one store-watch iterator and pump per watcher (etcd's watchableStore keeps one
// synced group the same way: mvcc/watchable_store.go notify).
import { WatchCancelledError } from "../../storage/errors.ts";
import type { EventType, KV, Watch, WatchBatch, WatchEvent } from "../../storage/kv.ts";

export interface SharedWatchSpec {
  key: Uint8Array;
  end?: Uint8Array;
  prevKv: boolean;
  filters: EventType[];
}

/** One etcd watch fed by a shared store watch. */
export interface FanoutMember {
  /** Events from this revision on (earlier ones in a batch are left out for this member). */
  readonly start: number;
  /** A batch: its events at or past `start`, or a progress batch this member asked for. */
  deliver(batch: WatchBatch): void;
  /** The shared watch failed: the member goes on alone from revision `next`. */
  detach(next: number): void;
}

export interface Membership {
  /** The next progress batch of the shared watch goes to this member. */
  requestProgress(): void;
  leave(): void;
}

interface Group {
  readonly id: string;
  readonly spec: SharedWatchSpec;
  watch: Watch;
  readonly members: Map<FanoutMember, { wantsProgress: boolean }>;
  /** The newest revision handed to the members (every later one is still to come, in order). */
  delivered: number;
}

export class WatchFanout {
  private readonly groups = new Map<string, Group>();

  constructor(private readonly kv: KV) {}

  /** Shared watches open now (tests). */
  get size(): number {
    return this.groups.size;
  }

  /**
   * Joins `member` to the shared watch of `spec`, opening one from `member.start` if there is
   * none. Undefined when it cannot join: the shared watch has already handed out revisions the
   * member wants (it then watches alone, from the store's history).
   */
  join(spec: SharedWatchSpec, member: FanoutMember): Membership | undefined {
    const id = groupId(spec);
    let group = this.groups.get(id);
    if (group && member.start <= group.delivered) return undefined;
    if (!group) {
      const created: Group = {
        id,
        spec,
        watch: this.open(spec, member.start),
        members: new Map(),
        delivered: member.start - 1,
      };
      this.groups.set(id, created);
      void this.pump(created);
      group = created;
    }
    const state = { wantsProgress: false };
    const joined = group;
    joined.members.set(member, state);
    return {
      requestProgress: () => {
        if (!joined.members.has(member)) return;
        state.wantsProgress = true;
        joined.watch.requestProgress();
      },
      leave: () => {
        if (!joined.members.delete(member) || joined.members.size > 0) return;
        if (this.groups.get(joined.id) === joined) this.groups.delete(joined.id);
        joined.watch.close();
      },
    };
  }

  private open(spec: SharedWatchSpec, startRevision: number): Watch {
    return this.kv.watch(
      { key: spec.key, end: spec.end },
      { startRevision, prevKv: spec.prevKv, filters: spec.filters },
    );
  }

  private async pump(group: Group): Promise<void> {
    for (;;) {
      try {
        for await (const batch of group.watch) this.dispatch(group, batch);
        break; // the store closed the watch
      } catch (err) {
        if (group.members.size === 0) break;
        // The store cut the shared watch off (it fell behind): resume it where it stopped.
        if (err instanceof WatchCancelledError) {
          group.watch = this.open(group.spec, err.lastRevision + 1);
          continue;
        }
        // Anything else (compaction): every member goes on alone and meets the error itself.
        if (this.groups.get(group.id) === group) this.groups.delete(group.id);
        const members = [...group.members.keys()];
        group.members.clear();
        for (const member of members) member.detach(Math.max(member.start, group.delivered + 1));
        return;
      }
    }
    if (this.groups.get(group.id) === group) this.groups.delete(group.id);
  }

  private dispatch(group: Group, batch: WatchBatch): void {
    const events = batch.events;
    if (events.length === 0) {
      for (const [member, state] of group.members) {
        if (!state.wantsProgress) continue;
        state.wantsProgress = false;
        this.deliver(group, member, batch);
      }
      return;
    }
    const first = (events[0] as WatchEvent).kv.modRevision;
    group.delivered = Math.max(group.delivered, (events[events.length - 1] as WatchEvent).kv.modRevision);
    for (const member of group.members.keys()) {
      if (member.start <= first) {
        this.deliver(group, member, batch);
        continue;
      }
      const mine = events.filter((e) => e.kv.modRevision >= member.start);
      if (mine.length > 0) this.deliver(group, member, { events: mine, revision: batch.revision });
    }
  }

  private deliver(group: Group, member: FanoutMember, batch: WatchBatch): void {
    try {
      member.deliver(batch);
    } catch (err) {
      // A member that throws is dropped, not the others.
      group.members.delete(member);
      console.error(`etcd watch fan-out: a watcher failed and was dropped: ${String(err)}`);
    }
  }
}

function hex(bytes: Uint8Array | undefined): string {
  return bytes ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex") : "-";
}

function groupId(spec: SharedWatchSpec): string {
  return `${hex(spec.key)}/${hex(spec.end)}/${spec.prevKv ? 1 : 0}/${[...spec.filters].sort().join(",")}`;
}
