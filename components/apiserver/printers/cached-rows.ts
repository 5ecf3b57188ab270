// Table rows printed once per stored object revision: each row's JSON text is kept beside the
// watch cache's object (keyed by its immutable KeyValue), its elapsed times left as holes filled
// per list (deferred-now.ts), so a Table of 10k pods joins cached text instead of parsing and
// printing 10k objects. Rows of a printer that reads the time otherwise are printed per list.
import { type IncludeObject, tableRow } from "./build-table.ts";
import { DeferredNow, END, MARK } from "./deferred-now.ts";
import { humanDuration } from "./human-duration.ts";
import type { Printer } from "./table-types.ts";

/**
 * A row's JSON text as UTF-8, less what its inserts put back at their byte offsets: the time
 * since an instant, or a range of the stored object (its metadata, kept there already).
 */
interface RowTemplate {
  bytes: Buffer;
  inserts: Insert[];
}

type Insert = { at: number; since: number } | { at: number; source: Uint8Array; from: number; to: number };

/** Where rows are written: a response body (handlers/streamed-body.ts). */
export interface RowSink {
  /** `bytes[from..to)`. */
  bytes(bytes: Uint8Array, from?: number, to?: number): void;
  text(text: string): void;
}

/** What a row's text depends on besides its object (and the time). */
export interface RowShape {
  printer: Printer;
  include: IncludeObject;
  /** The Table's apiVersion: meta.k8s.io/v1 or v1beta1. */
  tableApiVersion: string;
  /** The objects' served apiVersion and kind: one stored object prints per served version. */
  objectVersion: string;
}

/** null: the row cannot be cached (printed per list). */
type Templates = WeakMap<object, RowTemplate | null>;

const byPrinter = new WeakMap<Printer, Map<string, Templates>>();

function templatesFor(shape: RowShape): Templates {
  let byShape = byPrinter.get(shape.printer);
  if (!byShape) {
    byShape = new Map();
    byPrinter.set(shape.printer, byShape);
  }
  const key = `${shape.include}|${shape.tableApiVersion}|${shape.objectVersion}`;
  let templates = byShape.get(key);
  if (!templates) {
    templates = new WeakMap();
    byShape.set(key, templates);
  }
  return templates;
}

/**
 * Writes each item's row at `now` to `sink`, yielding after each: the same text as
 * JSON.stringify(tableRow). `decode` gives an item's object, and runs only for rows not cached
 * yet; items must never change (the watch cache's KeyValues do not: a write replaces them).
 */
export function* writeCachedRows<K extends object>(
  sink: RowSink,
  shape: RowShape,
  items: readonly K[],
  decode: (item: K) => object,
  now: Date,
  /** The item's stored JSON, when it begins `{"metadata":{` and lacks resourceVersion: rows share its metadata bytes. */
  stored?: (item: K) => Uint8Array,
): Generator<void> {
  const templates = templatesFor(shape);
  const nowMs = now.getTime();
  for (const item of items) {
    let template = templates.get(item);
    let obj: object | undefined;
    if (template === undefined) {
      obj = decode(item);
      template = compile(shape, obj, stored?.(item));
      templates.set(item, template);
    }
    if (template === null) {
      obj ??= decode(item);
      sink.text(JSON.stringify(tableRow(shape.printer, obj, now, shape.include, shape.tableApiVersion)));
    } else {
      const { bytes, inserts } = template;
      let at = 0;
      for (const insert of inserts) {
        sink.bytes(bytes, at, insert.at);
        if ("since" in insert) sink.text(humanDuration(nowMs - insert.since));
        else sink.bytes(insert.source, insert.from, insert.to);
        at = insert.at;
      }
      sink.bytes(bytes, at, bytes.length);
    }
    yield;
  }
}

function compile(shape: RowShape, obj: object, stored: Uint8Array | undefined): RowTemplate | null {
  const clock = new DeferredNow();
  const text = JSON.stringify(tableRow(shape.printer, obj, clock, shape.include, shape.tableApiVersion));
  if (clock.readDirectly) return null;
  const pieces = text.split(MARK_JSON);
  // The object's own text holds the placeholder character: its holes cannot be told apart.
  if (pieces.length - 1 !== clock.placeholders) return null;
  // Text between inserts, and per insert the instant it counts from (NaN: the shared stored range).
  const texts = [pieces[0] as string];
  const sinces: number[] = [];
  for (let i = 1; i < pieces.length; i++) {
    const piece = pieces[i] as string;
    const end = piece.indexOf(END_JSON);
    const since = Number(piece.slice(0, end));
    if (end < 0 || !Number.isFinite(since)) return null;
    sinces.push(since);
    texts.push(piece.slice(end + END_JSON.length));
  }
  const shared = stored ? sharedMetadata(texts[texts.length - 1] as string, stored) : undefined;
  if (shared) {
    const last = texts.pop() as string;
    texts.push(last.slice(0, shared.at), last.slice(shared.at + shared.length));
    sinces.push(Number.NaN);
  }
  const bytes = Buffer.from(texts.join(""));
  const inserts: Insert[] = [];
  let at = 0;
  for (let i = 0; i < sinces.length; i++) {
    at += Buffer.byteLength(texts[i] as string);
    const since = sinces[i] as number;
    if (!Number.isNaN(since)) inserts.push({ at, since });
    else if (stored && shared)
      inserts.push({ at, source: stored, from: STORED_HEAD.length, to: STORED_HEAD.length + shared.length });
  }
  return { bytes, inserts };
}

/** The placeholder's marks as they appear in JSON text. */
const MARK_JSON = JSON.stringify(MARK).slice(1, -1);
const END_JSON = JSON.stringify(END).slice(1, -1);
const STORED_HEAD = Buffer.from('{"metadata":{');
const METADATA = '"metadata":{';

/**
 * Where the row's object metadata (the last text, after every hole) repeats the stored object's
 * metadata members verbatim: the ASCII text from its `"metadata":{` that equals the stored bytes
 * after theirs. Rows then insert that range of the stored value instead of keeping a copy.
 */
function sharedMetadata(last: string, stored: Uint8Array): { at: number; length: number } | undefined {
  if (stored.length <= STORED_HEAD.length) return undefined;
  for (let i = 0; i < STORED_HEAD.length; i++) if (stored[i] !== STORED_HEAD[i]) return undefined;
  const object = last.lastIndexOf('"object":');
  const found = object < 0 ? -1 : last.indexOf(METADATA, object);
  if (found < 0) return undefined;
  const at = found + METADATA.length;
  let length = 0;
  const max = Math.min(last.length - at, stored.length - STORED_HEAD.length);
  while (length < max) {
    const c = last.charCodeAt(at + length);
    if (c >= 0x80 || c !== stored[STORED_HEAD.length + length]) break;
    length++;
  }
  return length > 0 ? { at, length } : undefined;
}
