// Table rows printed once per stored object revision: each row's JSON text is kept beside the
// watch cache's object (keyed by its immutable KeyValue), its elapsed times left as holes filled
// per list (deferred-now.ts), so a Table of 10k pods joins cached text instead of parsing and
// printing 10k objects. Rows of a printer that reads the time otherwise are printed per list.
import { type IncludeObject, tableRow } from "./build-table.ts";
import { DeferredNow, END, MARK } from "./deferred-now.ts";
import { humanDuration } from "./human-duration.ts";
import type { Printer } from "./table-types.ts";

/** A row's JSON text as UTF-8, with holes where the time since froms[i] goes (byte offsets). */
interface RowTemplate {
  bytes: Buffer;
  holes: number[];
  froms: number[];
}

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
): Generator<void> {
  const templates = templatesFor(shape);
  const nowMs = now.getTime();
  for (const item of items) {
    let template = templates.get(item);
    let obj: object | undefined;
    if (template === undefined) {
      obj = decode(item);
      template = compile(shape, obj);
      templates.set(item, template);
    }
    if (template === null) {
      obj ??= decode(item);
      sink.text(JSON.stringify(tableRow(shape.printer, obj, now, shape.include, shape.tableApiVersion)));
    } else {
      const { bytes, holes, froms } = template;
      let at = 0;
      for (let i = 0; i < holes.length; i++) {
        const hole = holes[i] as number;
        sink.bytes(bytes, at, hole);
        sink.text(humanDuration(nowMs - (froms[i] as number)));
        at = hole;
      }
      sink.bytes(bytes, at, bytes.length);
    }
    yield;
  }
}

function compile(shape: RowShape, obj: object): RowTemplate | null {
  const clock = new DeferredNow();
  const text = JSON.stringify(tableRow(shape.printer, obj, clock, shape.include, shape.tableApiVersion));
  if (clock.readDirectly) return null;
  const pieces = text.split(MARK);
  // The object's own text holds the placeholder character: its holes cannot be told apart.
  if (pieces.length - 1 !== clock.placeholders) return null;
  const parts = [Buffer.from(pieces[0] as string)];
  const holes: number[] = [];
  const froms: number[] = [];
  let at = (parts[0] as Buffer).length;
  for (let i = 1; i < pieces.length; i++) {
    const piece = pieces[i] as string;
    const end = piece.indexOf(END);
    const from = Number(piece.slice(0, end));
    if (end < 0 || !Number.isFinite(from)) return null;
    const part = Buffer.from(piece.slice(end + 1));
    holes.push(at);
    froms.push(from);
    parts.push(part);
    at += part.length;
  }
  return { bytes: parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts), holes, froms };
}
