// The watch cache's keys in byte order (latin1 strings compare as their bytes do), in chunks of
// at most 2 * CHUNK keys: an insert or delete moves one chunk's keys and the chunks' start
// offsets, not the whole array (a splice into one array of 150k pod keys took ~30 us, growing
// with every key: a cluster's events cache holds several per pod).

const CHUNK = 512;

export class SortedKeys {
  private chunks: string[][] = [];
  /** The index of each chunk's first key among all keys. */
  private starts: number[] = [];
  length = 0;

  /** Keys already in order and distinct (the cache's first list, which the store sorted). */
  static of(keys: readonly string[]): SortedKeys {
    const out = new SortedKeys();
    for (let i = 0; i < keys.length; i += CHUNK) out.chunks.push(keys.slice(i, i + CHUNK));
    out.length = keys.length;
    out.reindex(0);
    return out;
  }

  /** Index of the first key >= `key` (length when there is none). */
  lowerBound(key: string): number {
    const c = this.chunkFor(key);
    if (c === this.chunks.length) return this.length;
    return (this.starts[c] as number) + lowerBound(this.chunks[c] as string[], key);
  }

  /** Adds `key` (not present). */
  insert(key: string): void {
    let c = this.chunkFor(key);
    if (c === this.chunks.length) {
      // After every key: the last chunk takes it (a new one when there is none).
      if (c === 0) {
        this.chunks.push([]);
        this.starts.push(0);
      }
      c = this.chunks.length - 1;
    }
    const chunk = this.chunks[c] as string[];
    chunk.splice(lowerBound(chunk, key), 0, key);
    this.length++;
    if (chunk.length > 2 * CHUNK) {
      this.chunks.splice(c + 1, 0, chunk.splice(CHUNK));
      this.starts.splice(c + 1, 0, 0);
    }
    this.reindex(c + 1);
  }

  /** Removes `key`; false when it is not there. */
  delete(key: string): boolean {
    const c = this.chunkFor(key);
    const chunk = this.chunks[c];
    if (!chunk) return false;
    const at = lowerBound(chunk, key);
    if (chunk[at] !== key) return false;
    chunk.splice(at, 1);
    this.length--;
    if (chunk.length === 0) {
      this.chunks.splice(c, 1);
      this.starts.splice(c, 1);
      this.reindex(c);
    } else this.reindex(c + 1);
    return true;
  }

  /**
   * Calls `visit` with the keys at indexes [from, to) in order until it returns false; returns
   * the index after the last key visited.
   */
  scan(from: number, to: number, visit: (key: string) => boolean): number {
    let i = from;
    if (i >= to) return i;
    let c = this.chunkAt(i);
    let at = i - (this.starts[c] as number);
    for (; c < this.chunks.length; c++, at = 0) {
      const chunk = this.chunks[c] as string[];
      for (; at < chunk.length; at++) {
        if (i >= to || !visit(chunk[at] as string)) return i;
        i++;
      }
    }
    return i;
  }

  /** The first chunk whose last key is >= `key` (chunks.length when none is). */
  private chunkFor(key: string): number {
    let lo = 0;
    let hi = this.chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const chunk = this.chunks[mid] as string[];
      if ((chunk[chunk.length - 1] as string) < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The chunk holding index `i` (0 <= i < length). */
  private chunkAt(i: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((this.starts[mid] as number) <= i) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private reindex(from: number): void {
    let at = from === 0 ? 0 : (this.starts[from - 1] as number) + (this.chunks[from - 1] as string[]).length;
    for (let c = from; c < this.chunks.length; c++) {
      this.starts[c] = at;
      at += (this.chunks[c] as string[]).length;
    }
    if (this.starts.length !== this.chunks.length) this.starts.length = this.chunks.length;
  }
}

function lowerBound(keys: readonly string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((keys[mid] as string) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
