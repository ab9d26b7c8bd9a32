import { useEffect, useState } from "react";
import { Bar, BarChart, CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { api, ApiProblem, enc, getKey } from "../api";
import { formatNumber, Locale, useLocale } from "../i18n";
import { Link } from "../router";
import { Problem } from "../components/Problem";

interface RfmCell {
  recencyScore: number;
  frequencyScore: number;
  customers: number;
  revenue: number;
}

interface RfmReport {
  customers: number;
  segments: { segment: string; customers: number; assigned: number }[];
  grid: RfmCell[];
}

interface Deciles {
  customers: number;
  totalRevenue: number;
  deciles: { number: number; customerCount: number; revenue: number; shareOfRevenue: number }[];
}

interface NpsFigures {
  promoters: number;
  passives: number;
  detractors: number;
  total: number;
  score: number;
}

interface NpsReport {
  overall: NpsFigures;
  byMonth: Record<string, NpsFigures>;
}

interface ClvReport {
  customers: number;
  totalPredictedValue: number | null;
  top: { customerId: string; orders: number; spend: number; pAlive: number | null; predictedValue: number | null }[];
}

interface Ranking {
  customers: number;
  top: { customerId: string; spendRank: number; frequencyRank: number; recencyRank: number; predictedValueRank: number; npsRank: number; spread: number }[];
}

interface Segment {
  id: string;
  name: string;
}

function useReport<T>(path: string): [T | null, unknown] {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api.get<T>(path).then(setData).catch(setError);
  }, [path]);
  return [data, error];
}

/** RFM heat map, deciles, NPS over time, CLV top customers, the multi-axis ranking and segment export. */
export function ReportsPage() {
  const locale = useLocale();
  const { t } = locale;
  const [rfm, rfmError] = useReport<RfmReport>("/api/reports/rfm");
  const [deciles, decilesError] = useReport<Deciles>("/api/reports/deciles");
  const [nps, npsError] = useReport<NpsReport>("/api/reports/nps");
  const [clv, clvError] = useReport<ClvReport>("/api/reports/clv?top=10");
  const [ranking, rankingError] = useReport<Ranking>("/api/reports/ranking?top=10");
  const [segments] = useReport<Segment[]>("/api/segments");

  return (
    <section className="reports">
      <h1>{t.reports}</h1>
      <div className="columns">
        <div className="card" data-testid="rfm">
          <h2>{t.rfm}</h2>
          {rfm && <RfmHeatMap cells={rfm.grid} locale={locale} />}
          <Problem error={rfmError} />
        </div>
        <div className="card" data-testid="deciles">
          <h2>{t.deciles}</h2>
          {deciles && (
            <ResponsiveContainer width="100%" height={240}>
              <BarChart data={deciles.deciles}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="number" />
                <YAxis />
                <Tooltip />
                <Bar dataKey="revenue" name={t.revenue} fill="#2f6fb3" isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          )}
          {deciles && (
            <p className="sub" data-testid="deciles-total">
              {t.customers} {formatNumber(deciles.customers, locale)} · {t.revenue} {formatNumber(deciles.totalRevenue, locale)}
            </p>
          )}
          <Problem error={decilesError} />
        </div>
      </div>
      <div className="columns">
        <div className="card" data-testid="nps">
          <h2>{t.nps}</h2>
          {nps && (
            <>
              <p data-testid="nps-overall">
                NPS <b>{formatNumber(nps.overall.score, locale, 1)}</b> ({formatNumber(nps.overall.total, locale)})
              </p>
              <ResponsiveContainer width="100%" height={200}>
                <LineChart data={Object.entries(nps.byMonth).sort().map(([month, f]) => ({ month, score: f.score }))}>
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis dataKey="month" />
                  <YAxis domain={[-100, 100]} />
                  <Tooltip />
                  <Line dataKey="score" stroke="#c0392b" isAnimationActive={false} />
                </LineChart>
              </ResponsiveContainer>
            </>
          )}
          <Problem error={npsError} />
        </div>
        <div className="card" data-testid="clv">
          <h2>{t.clv}</h2>
          {clv && (
            <table className="grid">
              <thead>
                <tr>
                  <th>{t.customer}</th>
                  <th className="num">orders</th>
                  <th className="num">P(alive)</th>
                  <th className="num">CLV</th>
                </tr>
              </thead>
              <tbody>
                {clv.top.map((c) => (
                  <tr key={c.customerId}>
                    <td>
                      <Link to={`/customers/${enc(c.customerId)}`}>{c.customerId}</Link>
                    </td>
                    <td className="num">{c.orders}</td>
                    <td className="num">{formatNumber(c.pAlive, locale, 2)}</td>
                    <td className="num">{formatNumber(c.predictedValue, locale)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {clvError instanceof ApiProblem && clvError.status === 409 ? (
            <p className="sub" data-testid="clv-unavailable">
              {t.notEnough}: {clvError.detail}
            </p>
          ) : (
            <Problem error={clvError} />
          )}
        </div>
      </div>
      <div className="columns">
        <div className="card" data-testid="ranking">
          <h2>{t.ranking}</h2>
          {ranking && (
            <table className="grid">
              <thead>
                <tr>
                  <th>{t.customer}</th>
                  <th className="num">spend</th>
                  <th className="num">frequency</th>
                  <th className="num">recency</th>
                  <th className="num">CLV</th>
                  <th className="num">NPS</th>
                  <th className="num">spread</th>
                </tr>
              </thead>
              <tbody>
                {ranking.top.map((r) => (
                  <tr key={r.customerId}>
                    <td>
                      <Link to={`/customers/${enc(r.customerId)}`}>{r.customerId}</Link>
                    </td>
                    <td className="num">{r.spendRank}</td>
                    <td className="num">{r.frequencyRank}</td>
                    <td className="num">{r.recencyRank}</td>
                    <td className="num">{r.predictedValueRank}</td>
                    <td className="num">{r.npsRank}</td>
                    <td className="num">{r.spread}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <Problem error={rankingError} />
        </div>
        <div className="card" data-testid="segments">
          <h2>{t.segments}</h2>
          <ul>
            {(rfm?.segments ?? []).map((s) => (
              <li key={s.segment}>
                {s.segment} ({formatNumber(s.customers, locale)}) <ExportButton id={s.segment} />
              </li>
            ))}
            {(segments ?? []).map((s) => (
              <li key={s.id}>
                {s.name} <ExportButton id={s.id} />
              </li>
            ))}
          </ul>
        </div>
      </div>
    </section>
  );
}

function RfmHeatMap(props: { cells: RfmCell[]; locale: Locale }) {
  const { t } = props.locale;
  const max = Math.max(1, ...props.cells.map((c) => c.customers));
  const cell = (r: number, f: number) => props.cells.find((c) => c.recencyScore === r && c.frequencyScore === f);
  const scores = [5, 4, 3, 2, 1];
  return (
    <table className="heat" data-testid="rfm-grid">
      <thead>
        <tr>
          <th>
            {t.recency} ↓ / {t.frequency} →
          </th>
          {[1, 2, 3, 4, 5].map((f) => (
            <th key={f}>F{f}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {scores.map((r) => (
          <tr key={r}>
            <th>R{r}</th>
            {[1, 2, 3, 4, 5].map((f) => {
              const c = cell(r, f);
              const alpha = c ? 0.1 + (0.9 * c.customers) / max : 0;
              return (
                <td key={f} style={{ background: `rgba(47, 111, 179, ${alpha})`, color: alpha > 0.55 ? "#fff" : undefined }} data-testid={`rfm-R${r}F${f}`}>
                  <b>{formatNumber(c?.customers ?? 0, props.locale)}</b>
                  <div className="sub">{formatNumber(c?.revenue ?? 0, props.locale)}</div>
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Downloads the segment's CSV with the key in the header (a plain link would need the key in the URL). */
function ExportButton(props: { id: string }) {
  const { t } = useLocale();
  const [error, setError] = useState<string | null>(null);
  async function download() {
    const response = await fetch(`/api/segments/${enc(props.id)}/export.csv?format=meta`, { headers: { "X-Api-Key": getKey() ?? "" } });
    if (!response.ok) {
      setError(`${response.status}`);
      return;
    }
    const url = URL.createObjectURL(await response.blob());
    const a = document.createElement("a");
    a.href = url;
    a.download = `${props.id}.csv`;
    a.click();
    URL.revokeObjectURL(url);
  }
  return (
    <button type="button" className="small" onClick={download} data-testid={`export-${props.id}`}>
      {t.export} CSV{error ? ` (${error})` : ""}
    </button>
  );
}
