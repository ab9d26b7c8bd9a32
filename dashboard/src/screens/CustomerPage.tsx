import { useEffect, useState } from "react";
import { api, CustomerView, enc, TimelineEntry } from "../api";
import { formatDateTime, useLocale } from "../i18n";
import { Link } from "../router";
import { Problem } from "../components/Problem";

interface WhyView {
  customerId: string;
  journeyId: string;
  decisions: TimelineEntry[];
}

const computedKeys = ["rfm.segment", "rfm.score", "orders.count", "orders.total", "clv.predictedValue", "clv.pAlive", "nps.score", "nps.category", "lead.score"];

/** Profile and computed values, journeys with what each waits for, the time line and "why" per journey. */
export function CustomerPage(props: { customerId: string }) {
  const locale = useLocale();
  const { t } = locale;
  const [customer, setCustomer] = useState<CustomerView | null>(null);
  const [timeline, setTimeline] = useState<TimelineEntry[]>([]);
  const [why, setWhy] = useState<WhyView | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const id = enc(props.customerId);
    api.get<CustomerView>(`/api/customers/${id}`).then(setCustomer).catch(setError);
    api.get<{ entries: TimelineEntry[] }>(`/api/customers/${id}/timeline?max=200`).then((x) => setTimeline(x.entries)).catch(() => undefined);
  }, [props.customerId]);

  async function showWhy(journeyId: string) {
    try {
      setWhy(await api.get<WhyView>(`/api/customers/${enc(props.customerId)}/journeys/${enc(journeyId)}/why`));
    } catch (e) {
      setError(e);
    }
  }

  const computed = customer ? Object.entries(customer.computed).sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b)) : [];
  return (
    <section>
      <h1>
        {t.customer}: <span data-testid="customer-id">{props.customerId}</span>
      </h1>
      <Problem error={error} />
      {customer && (
        <div className="columns">
          <div className="card">
            <h2>{t.profile}</h2>
            <dl data-testid="profile">
              {Object.entries(customer.profile.attributes).map(([k, v]) => (
                <Pair key={k} k={k} v={v} />
              ))}
              {Object.entries(customer.profile.consent).map(([k, v]) => (
                <Pair key={`c-${k}`} k={`consent.${k}`} v={v} />
              ))}
              {customer.profile.timeZone && <Pair k="timeZone" v={customer.profile.timeZone} />}
            </dl>
          </div>
          <div className="card">
            <h2>{t.computed}</h2>
            <dl data-testid="computed">
              {computed.map(([k, v]) => (
                <Pair key={k} k={k} v={v} />
              ))}
            </dl>
          </div>
        </div>
      )}
      {customer && (
        <div className="card">
          <h2>{t.runningJourneys}</h2>
          <table className="grid" data-testid="customer-journeys">
            <thead>
              <tr>
                <th>{t.journeys}</th>
                <th>{t.status}</th>
                <th>{t.step}</th>
                <th>{t.waitsFor}</th>
                <th>{t.entered}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {customer.journeys.map((j) => (
                <tr key={j.instanceId}>
                  <td>
                    <Link to={`/journeys/${enc(j.journeyId)}`}>{j.journeyId}</Link> v{j.version}
                    {j.holdout && <span className="badge paused"> {t.holdout}</span>}
                  </td>
                  <td>
                    {j.status}
                    {j.exitReason ? ` (${j.exitReason})` : ""}
                  </td>
                  <td>{j.step ? `${j.step} (${j.stepType})` : "—"}</td>
                  <td data-testid={`waits-${j.journeyId}`}>
                    {j.waitingFor
                      ? j.waitingFor.kind === "event"
                        ? `${t.waitEvent} ${j.waitingFor.event} (${t.waitTime} ${formatDateTime(j.waitingFor.until, locale)})`
                        : `${t.waitTime} ${formatDateTime(j.waitingFor.until, locale)}`
                      : "—"}
                  </td>
                  <td>{formatDateTime(j.enteredAt, locale)}</td>
                  <td>
                    <button type="button" onClick={() => showWhy(j.journeyId)} data-testid={`why-${j.journeyId}`}>
                      {t.why}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {why && (
        <div className="card" data-testid="why">
          <h2>
            {t.why}: {why.journeyId}
          </h2>
          <ol>
            {why.decisions.map((d, i) => (
              <li key={i}>
                <time>{formatDateTime(d.at, locale)}</time> {d.stepId && <code>{d.stepId}</code>} {d.text}
              </li>
            ))}
          </ol>
        </div>
      )}
      <div className="card">
        <h2>{t.timeline}</h2>
        <ul className="timeline" data-testid="timeline">
          {timeline.map((e, i) => (
            <li key={i} className={`tl-${e.kind}`}>
              <time>{formatDateTime(e.at, locale)}</time> <span className="badge">{e.kind}</span> {e.journeyId && <code>{e.journeyId}</code>} {e.text}
              {e.data && Object.keys(e.data).length > 0 && (
                <details>
                  <summary>{t.preview}</summary>
                  <dl>
                    {Object.entries(e.data)
                      .filter(([k]) => k !== "html")
                      .map(([k, v]) => (
                        <Pair key={k} k={k} v={v} />
                      ))}
                  </dl>
                  {e.data.html && <iframe className="mail" sandbox="" title="email" srcDoc={e.data.html} />}
                </details>
              )}
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}

function rank(k: string): number {
  const i = computedKeys.findIndex((x) => k.startsWith(x.split(".")[0]));
  return i < 0 ? 99 : i;
}

function Pair(props: { k: string; v: unknown }) {
  return (
    <>
      <dt>{props.k}</dt>
      <dd>{typeof props.v === "object" ? JSON.stringify(props.v) : String(props.v)}</dd>
    </>
  );
}
