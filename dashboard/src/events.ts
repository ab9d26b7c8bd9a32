/** An event as POST /api/events and the simulation take it. */
export interface EventDoc {
  id?: string;
  type: string;
  customerId: string;
  occurredAt: string;
  properties?: Record<string, unknown>;
}

/** Yen per CDNOW dollar, as the command line's --rate default for the cross-sell journey (README). */
export const CdnowRate = 150;

/**
 * Reads an uploaded event file: JSON lines (or a JSON array) of events, or a CDNOW purchase file
 * ("customer id, date yyyyMMdd, quantity, dollars" per line), which becomes purchase events in yen with one
 * identify event per customer giving e-mail consent, as `scenario simulate --consent` does.
 */
export function readEventFile(text: string): EventDoc[] {
  const trimmed = text.trimStart();
  if (trimmed.startsWith("[")) return JSON.parse(trimmed) as EventDoc[];
  if (trimmed.startsWith("{")) {
    return text
      .split(/\r?\n/)
      .filter((l) => l.trim().length > 0)
      .map((l) => JSON.parse(l) as EventDoc);
  }
  return readCdnow(text);
}

export function readCdnow(text: string): EventDoc[] {
  const purchases: EventDoc[] = [];
  const first = new Map<string, string>();
  text.split(/\r?\n/).forEach((line, i) => {
    const f = line.trim().split(/\s+/);
    if (f.length < 4) return;
    const [id, , date, , dollars] = f.length >= 5 ? f : [f[0], "", f[1], f[2], f[3]];
    const customerId = `cdnow-${String(Number(id))}`;
    const at = `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T12:00:00Z`;
    if (!first.has(customerId)) first.set(customerId, `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T11:59:00Z`);
    purchases.push({
      id: `cdnow-${i + 1}`,
      type: "purchase",
      customerId,
      occurredAt: at,
      properties: { orderId: `cdnow-${i + 1}`, amount: Math.round(Number(dollars) * CdnowRate) },
    });
  });
  const identify: EventDoc[] = [...first].map(([customerId, at]) => ({
    id: `consent-${customerId}`,
    type: "identify",
    customerId,
    occurredAt: at,
    properties: { "consent.email": true, "consent.line": true, "consent.postcard": true },
  }));
  return [...identify, ...purchases];
}
