// Wall-clock time in an IANA time zone through Intl (what Go's time.LoadLocation gives cron
// schedules): an instant's local fields, a local time's instant (a time skipped by a DST jump
// moves forward, as time.Date normalises it), RFC 3339 with the zone's offset.

export interface WallClock {
  /** The instant (ms) whose UTC fields are `instant`'s local fields in the zone. */
  toWall(instant: number): number;
  /** The instant of a local time given as UTC fields. */
  fromWall(wall: number): number;
  /** RFC 3339 in the zone, e.g. 2024-03-01T09:00:00+01:00 (Z for UTC). */
  format(instant: number): string;
}

export function wallClock(timeZone: string): WallClock {
  const utc = timeZone === "UTC" || timeZone === "Etc/UTC";
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
  const toWall = (instant: number): number => {
    if (utc) return instant;
    const f: Record<string, number> = {};
    for (const p of format.formatToParts(new Date(instant)))
      if (p.type !== "literal") f[p.type] = Number(p.value);
    const wall = Date.UTC(
      f.year ?? 1970,
      (f.month ?? 1) - 1,
      f.day ?? 1,
      f.hour ?? 0,
      f.minute ?? 0,
      f.second ?? 0,
    );
    return wall + (instant % 1000);
  };
  const offset = (instant: number) => toWall(instant) - instant;
  return {
    toWall,
    fromWall(wall) {
      if (utc) return wall;
      const guess = wall - offset(wall);
      const instant = wall - offset(guess);
      // In a DST gap neither offset reproduces the wall time; the earlier offset moves it forward.
      return toWall(instant) === wall ? instant : wall - Math.min(offset(guess), offset(wall));
    },
    format(instant) {
      const seconds = Math.floor(instant / 1000) * 1000;
      const text = new Date(toWall(seconds)).toISOString().slice(0, 19);
      const minutes = Math.round(offset(seconds) / 60_000);
      if (minutes === 0) return `${text}Z`;
      const sign = minutes < 0 ? "-" : "+";
      const abs = Math.abs(minutes);
      return `${text}${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
    },
  };
}
