import { useEffect, useState } from "react";
import { api, enc, JourneyListItem, JourneyStats } from "../api";
import { formatDateTime, formatNumber, useLocale } from "../i18n";
import { Link, navigate } from "../router";
import { Problem } from "../components/Problem";
import { ChannelsPanel } from "../components/ChannelsPanel";

/** Every journey with its state, versions, entered / active / converted and last publish; filter and search. */
export function JourneyList() {
  const locale = useLocale();
  const { t } = locale;
  const [items, setItems] = useState<JourneyListItem[] | null>(null);
  const [stats, setStats] = useState<Record<string, JourneyStats>>({});
  const [error, setError] = useState<unknown>(null);
  const [query, setQuery] = useState("");
  const [state, setState] = useState("");
  const [newId, setNewId] = useState("");

  useEffect(() => {
    api.get<JourneyListItem[]>(`/api/journeys?includeArchived=${state === "archived"}`)
      .then((list) => {
        setItems(list);
        for (const j of list.filter((x) => x.versions.length > 0)) {
          api.get<JourneyStats>(`/api/journeys/${enc(j.id)}/counts`)
            .then((s) => setStats((prev) => ({ ...prev, [j.id]: s })))
            .catch(() => undefined);
        }
      })
      .catch(setError);
  }, [state]);

  const q = query.trim().toLowerCase();
  const shown = (items ?? []).filter(
    (j) =>
      (state === "" || (state === "draft" ? j.state === null : j.state === state)) &&
      (q === "" || j.id.toLowerCase().includes(q) || (j.name ?? "").toLowerCase().includes(q)),
  );

  return (
    <section>
      <h1>{t.journeys}</h1>
      <div className="toolbar">
        <input placeholder={t.search} value={query} onChange={(e) => setQuery(e.target.value)} data-testid="journey-search" />
        <select value={state} onChange={(e) => setState(e.target.value)} data-testid="journey-state">
          <option value="">{t.allStates}</option>
          <option value="active">active</option>
          <option value="paused">paused</option>
          <option value="archived">archived</option>
          <option value="draft">{t.draftOnly}</option>
        </select>
        <span className="spacer" />
        <input placeholder="journey-id" value={newId} onChange={(e) => setNewId(e.target.value)} data-testid="new-journey-id" />
        <button type="button" disabled={newId.trim() === ""} onClick={() => navigate(`/drafts/${enc(newId.trim())}`)}>
          {t.newJourney}
        </button>
      </div>
      <Problem error={error} />
      <ChannelsPanel />
      {items === null && !error && <p>{t.loading}</p>}
      {items !== null && (
        <table className="grid" data-testid="journeys">
          <thead>
            <tr>
              <th>ID</th>
              <th>{t.state}</th>
              <th>{t.versions}</th>
              <th className="num">{t.entered}</th>
              <th className="num">{t.active}</th>
              <th className="num">{t.converted}</th>
              <th>{t.lastPublish}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {shown.length === 0 && (
              <tr>
                <td colSpan={8}>{t.noJourneys}</td>
              </tr>
            )}
            {shown.map((j) => {
              const s = stats[j.id];
              return (
                <tr key={j.id} data-testid={`journey-${j.id}`}>
                  <td>
                    {j.versions.length > 0 ? <Link to={`/journeys/${enc(j.id)}`}>{j.id}</Link> : j.id}
                    <div className="sub">{j.name}</div>
                  </td>
                  <td>
                    <span className={`badge ${j.state ?? "draft"}`}>{j.state ?? t.draftOnly}</span>
                  </td>
                  <td>{j.versions.length > 0 ? `v${j.versions.join(", v")}` : "—"}</td>
                  <td className="num">{formatNumber(s?.entered, locale)}</td>
                  <td className="num">{formatNumber(s?.active, locale)}</td>
                  <td className="num">{formatNumber(s?.converted, locale)}</td>
                  <td>{formatDateTime(j.lastPublishedAt, locale)}</td>
                  <td>
                    <Link to={`/drafts/${enc(j.id)}`}>{t.drafts}</Link>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
