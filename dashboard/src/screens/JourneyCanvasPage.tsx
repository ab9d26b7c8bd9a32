import { useEffect, useRef, useState } from "react";
import { api, enc, JourneyDetail, JourneyStats, StepCustomersPage } from "../api";
import { formatDateTime, formatNumber, useLocale } from "../i18n";
import { Link } from "../router";
import { JourneyCanvas } from "../components/JourneyCanvas";
import { Kpi } from "../components/Kpi";
import { Problem } from "../components/Problem";
import { TriggerId } from "../graph";

/** The published journey as a canvas with live counts from one stats request; a node opens its customers. */
export function JourneyCanvasPage(props: { journeyId: string }) {
  const locale = useLocale();
  const { t } = locale;
  const started = useRef(performance.now());
  const [detail, setDetail] = useState<JourneyDetail | null>(null);
  const [stats, setStats] = useState<JourneyStats | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [drawMs, setDrawMs] = useState<number | null>(null);

  useEffect(() => {
    const id = enc(props.journeyId);
    api.get<JourneyDetail>(`/api/journeys/${id}`).then(setDetail).catch(setError);
    api.get<JourneyStats>(`/api/journeys/${id}/counts`).then(setStats).catch(setError);
  }, [props.journeyId]);

  const doc = detail?.latest ?? detail?.draft ?? null;
  return (
    <section className="canvas-page" data-draw-ms={drawMs ?? undefined}>
      <div className="page-head">
        <h1>
          {props.journeyId} <span className={`badge ${detail?.state ?? "draft"}`}>{detail?.state ?? ""}</span>
        </h1>
        <Link to={`/drafts/${enc(props.journeyId)}`}>{t.drafts}</Link>
      </div>
      {stats && (
        <div className="kpis" data-testid="journey-kpis">
          <Kpi label={t.entered} value={formatNumber(stats.entered, locale)} testId="kpi-entered" />
          <Kpi label={t.active} value={formatNumber(stats.active, locale)} testId="kpi-active" />
          <Kpi label={t.converted} value={formatNumber(stats.converted, locale)} testId="kpi-converted" />
          <Kpi label={t.holdout} value={`${formatNumber(stats.holdout, locale)} (${formatNumber(stats.holdoutConverted, locale)})`} testId="kpi-holdout" />
          <Kpi label={t.lift} value={typeof stats.lift === "number" && Number.isFinite(stats.lift) ? `${(stats.lift * 100).toFixed(1)} pt` : "—"} testId="kpi-lift" />
          <Kpi label={t.asOf} value={stats.asOf ? formatDateTime(stats.asOf, locale) : t.now} testId="kpi-as-of" />
          {Object.entries(stats.exits).map(([k, n]) => (
            <Kpi key={k} label={`${t.exited}: ${k}`} value={formatNumber(n, locale)} testId={`kpi-exit-${k}`} />
          ))}
        </div>
      )}
      <Problem error={error} />
      <div className="canvas-and-panel">
        {doc && (
          <JourneyCanvas
            doc={doc}
            stats={stats}
            selected={selected}
            onSelect={(s) => setSelected(s === TriggerId ? null : s)}
            onDrawn={() => setDrawMs(Math.round(performance.now() - started.current))}
          />
        )}
        {selected && <StepCustomers journeyId={props.journeyId} stepId={selected} />}
      </div>
    </section>
  );
}

/** The customers at a step now, or every customer who went through it, a page at a time. */
function StepCustomers(props: { journeyId: string; stepId: string }) {
  const locale = useLocale();
  const { t } = locale;
  const [through, setThrough] = useState(false);
  const [rows, setRows] = useState<StepCustomersPage["customers"]>([]);
  const [continuation, setContinuation] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);

  async function load(from: string | null) {
    setLoading(true);
    try {
      const qs = new URLSearchParams({ through: String(through), max: "50" });
      if (from) qs.set("continuation", from);
      const page = await api.get<StepCustomersPage>(`/api/journeys/${enc(props.journeyId)}/steps/${enc(props.stepId)}/customers?${qs}`);
      setRows((prev) => (from ? [...prev, ...page.customers] : page.customers));
      setContinuation(page.continuation);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  }

  useEffect(() => {
    setRows([]);
    setError(null);
    void load(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.stepId, through]);

  return (
    <aside className="panel" data-testid="step-customers">
      <h2>
        {t.customersAt}: <code>{props.stepId}</code>
      </h2>
      <div className="tabs">
        <button type="button" className={!through ? "on" : ""} onClick={() => setThrough(false)} data-testid="at-step">
          {t.atStep}
        </button>
        <button type="button" className={through ? "on" : ""} onClick={() => setThrough(true)} data-testid="through-step">
          {t.throughStep}
        </button>
      </div>
      <Problem error={error} />
      <table className="grid">
        <thead>
          <tr>
            <th>{t.customer}</th>
            <th>{t.status}</th>
            <th>{t.entered}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.instanceId}>
              <td>
                <Link to={`/customers/${enc(r.customerId)}`} testId={`customer-${r.customerId}`}>
                  {r.customerId}
                </Link>
              </td>
              <td>
                {r.status}
                {r.step && r.step !== props.stepId ? ` @ ${r.step}` : ""}
              </td>
              <td>{formatDateTime(r.stepEnteredAt, locale)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && !loading && <p className="sub">—</p>}
      {continuation && (
        <button type="button" disabled={loading} onClick={() => load(continuation)} data-testid="more-customers">
          {t.more}
        </button>
      )}
    </aside>
  );
}
