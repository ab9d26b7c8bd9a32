import { FormEvent, useEffect, useState } from "react";
import { api, AuditEntry, AuditPage as AuditPageAnswer } from "../api";
import { formatDateTime, useLocale } from "../i18n";
import { Problem } from "../components/Problem";
import { zonedToIso } from "../zone";

/** Rows per request; "more" asks for the next page with the answer's cursor. */
const PageSize = 20;

/** The kinds GET /api/audit records (docs/api.md "Audit log"). */
const Kinds = [
  "journey.draftSaved",
  "journey.published",
  "journey.paused",
  "journey.resumed",
  "journey.archived",
  "message.saved",
  "segment.saved",
  "segment.deleted",
  "customer.erased",
  "catalog.reloaded",
  "analytics.recomputed",
];

interface Filter {
  key: string;
  kind: string;
  target: string;
  from: string;
  to: string;
}

const NoFilter: Filter = { key: "", kind: "", target: "", from: "", to: "" };

/** Every change made with a key, newest first, filtered by key name, kind, target and time (in the shop's zone). */
export function AuditPage() {
  const locale = useLocale();
  const { t, timeZone } = locale;
  const [draft, setDraft] = useState<Filter>(NoFilter);
  const [filter, setFilter] = useState<Filter>(NoFilter);
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const load = (f: Filter, after: string | null) => {
    const q = new URLSearchParams({ max: String(PageSize) });
    if (f.key.trim()) q.set("key", f.key.trim());
    if (f.kind) q.set("kind", f.kind);
    if (f.target.trim()) q.set("target", f.target.trim());
    if (f.from) q.set("from", zonedToIso(f.from, timeZone));
    if (f.to) q.set("to", zonedToIso(f.to, timeZone));
    if (after) q.set("after", after);
    return api.get<AuditPageAnswer>(`/api/audit?${q}`);
  };

  useEffect(() => {
    setEntries(null);
    setError(null);
    load(filter, null)
      .then((p) => {
        setEntries(p.entries);
        setNext(p.next ?? null);
      })
      .catch(setError);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [filter, timeZone]);

  const more = () =>
    load(filter, next)
      .then((p) => {
        setEntries((prev) => [...(prev ?? []), ...p.entries]);
        setNext(p.next ?? null);
      })
      .catch(setError);

  const apply = (e: FormEvent) => {
    e.preventDefault();
    setFilter({ ...draft });
  };

  const field = (name: keyof Filter) => ({
    value: draft[name],
    onChange: (e: { target: { value: string } }) => setDraft({ ...draft, [name]: e.target.value }),
    "data-testid": `audit-${name}`,
  });

  return (
    <section>
      <h1>{t.audit}</h1>
      <form className="toolbar" onSubmit={apply}>
        <input placeholder={t.keyName} {...field("key")} />
        <select {...field("kind")}>
          <option value="">{t.allKinds}</option>
          {Kinds.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
        <input placeholder={t.target} {...field("target")} />
        <label>
          {t.from}
          <input type="datetime-local" {...field("from")} />
        </label>
        <label>
          {t.to}
          <input type="datetime-local" {...field("to")} />
        </label>
        <span className="sub">{timeZone}</span>
        <button type="submit" data-testid="audit-apply">
          {t.search}
        </button>
        <button
          type="button"
          onClick={() => {
            setDraft(NoFilter);
            setFilter(NoFilter);
          }}
        >
          {t.clear}
        </button>
      </form>
      <Problem error={error} />
      {entries === null && !error && <p>{t.loading}</p>}
      {entries !== null && (
        <table className="grid" data-testid="audit">
          <thead>
            <tr>
              <th>{t.time}</th>
              <th>{t.keyName}</th>
              <th>{t.kind}</th>
              <th>{t.target}</th>
              <th className="num">{t.version}</th>
            </tr>
          </thead>
          <tbody>
            {entries.length === 0 && (
              <tr>
                <td colSpan={5}>{t.noChanges}</td>
              </tr>
            )}
            {entries.map((e, i) => (
              <tr key={`${e.at}-${i}`} data-testid="audit-row">
                <td>{formatDateTime(e.at, locale, true)}</td>
                <td>{e.key}</td>
                <td>
                  <code>{e.kind}</code>
                </td>
                <td>{e.target ?? "—"}</td>
                <td className="num">{e.version === null || e.version === undefined ? "—" : `v${e.version}`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next !== null && (
        <button type="button" onClick={more} data-testid="audit-more">
          {t.more}
        </button>
      )}
    </section>
  );
}
