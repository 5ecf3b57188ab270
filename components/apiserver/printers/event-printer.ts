// Event columns (core/v1 and events.k8s.io/v1): Last Seen, Type, Reason, Object, Subobject, Source, Message,
// First Seen, Count, Name. Upstream: pkg/printers/internalversion/printers.go (printEvent, formatEventSource).

import type { Event as CoreEvent } from "kubernetes-types/core/v1";
import type { Event as EventsEvent } from "kubernetes-types/events/v1";
import { age, parseTimestamp } from "./age.ts";
import { columnDescriptions } from "./column-descriptions.ts";
import { column, nameColumn } from "./columns.ts";
import { definePrinter } from "./define-printer.ts";

const columns = [
  column("Last Seen", columnDescriptions.eventLastTimestamp),
  column("Type", columnDescriptions.eventType),
  column("Reason", columnDescriptions.eventReason),
  column("Object", columnDescriptions.eventInvolvedObject),
  column("Subobject", columnDescriptions.fieldPath, { priority: 1 }),
  column("Source", columnDescriptions.eventSource, { priority: 1 }),
  column("Message", columnDescriptions.eventMessage),
  column("First Seen", columnDescriptions.eventFirstTimestamp, { priority: 1 }),
  column("Count", columnDescriptions.eventCount, { priority: 1 }),
  { ...nameColumn, priority: 1 },
];

/** Both API versions are one stored Event upstream; the events.k8s.io fields map onto the core ones. */
export function coreEventFromEventsV1(e: EventsEvent): CoreEvent {
  return {
    metadata: e.metadata ?? {},
    involvedObject: e.regarding ?? {},
    reason: e.reason,
    message: e.note,
    source: e.deprecatedSource,
    firstTimestamp: e.deprecatedFirstTimestamp,
    lastTimestamp: e.deprecatedLastTimestamp,
    count: e.deprecatedCount,
    type: e.type,
    eventTime: e.eventTime,
    series: e.series ? { count: e.series.count, lastObservedTime: e.series.lastObservedTime } : undefined,
    reportingComponent: e.reportingController,
    reportingInstance: e.reportingInstance,
  };
}

function eventSource(e: CoreEvent): string {
  const component = e.source?.component || e.reportingComponent || "";
  const instance = e.source?.host || e.reportingInstance || "";
  return instance ? `${component}, ${instance}` : component;
}

function eventCells(e: CoreEvent, now: Date) {
  let firstSeen = age(e.firstTimestamp, now);
  if (parseTimestamp(e.firstTimestamp) === undefined) firstSeen = age(e.eventTime, now);
  let lastSeen = age(e.lastTimestamp, now);
  if (parseTimestamp(e.lastTimestamp) === undefined) lastSeen = firstSeen;
  let count = e.count ?? 0;
  if (e.series) {
    lastSeen = age(e.series.lastObservedTime, now);
    count = e.series.count ?? 0;
  } else if (count === 0) {
    // singleton events don't set count in the new API
    count = 1;
  }
  const kind = (e.involvedObject?.kind ?? "").toLowerCase();
  const target = e.involvedObject?.name ? `${kind}/${e.involvedObject.name}` : kind;
  return {
    cells: [
      lastSeen,
      e.type ?? "",
      e.reason ?? "",
      target,
      e.involvedObject?.fieldPath ?? "",
      eventSource(e),
      (e.message ?? "").trim(),
      firstSeen,
      count,
      e.metadata?.name ?? "",
    ],
  };
}

export const eventPrinter = definePrinter<CoreEvent>(columns, eventCells);

export const eventsV1EventPrinter = definePrinter<EventsEvent>(columns, (e, now) =>
  eventCells(coreEventFromEventsV1(e), now),
);
