// Times the user types are wall-clock times in the shop's zone; the API takes instants (ISO 8601 with an offset).

function wallClockMs(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(instant));
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(n("year"), n("month") - 1, n("day"), n("hour"), n("minute"), n("second"));
}

/** "2026-12-02T09:30" in the zone (a datetime-local value) as a UTC instant, e.g. 2026-12-02T00:30:00.000Z for Asia/Tokyo. */
export function zonedToIso(local: string, timeZone: string): string {
  const asUtc = Date.parse(local.length === 16 ? `${local}:00Z` : `${local}Z`);
  // The zone's offset at the guess, then again at the corrected instant, so a change of offset (DST) in between is honoured.
  let instant = asUtc - (wallClockMs(asUtc, timeZone) - asUtc);
  instant = asUtc - (wallClockMs(instant, timeZone) - instant);
  return new Date(instant).toISOString();
}
