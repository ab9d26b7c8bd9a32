import { useEffect, useState } from "react";
import { api, Health } from "../api";
import { formatDateTime, formatNumber, useLocale } from "../i18n";

/** How often the panel reads GET /api/health again. */
const RefreshMs = 5000;

/** Each channel's circuit (healthy, stopped, trying), consecutive failures, retry time and send rate, from GET /api/health. */
export function ChannelsPanel() {
  const locale = useLocale();
  const { t } = locale;
  const [health, setHealth] = useState<Health | null>(null);

  useEffect(() => {
    let live = true;
    const read = () =>
      api.get<Health>("/api/health")
        .then((h) => live && setHealth(h))
        .catch(() => undefined);
    void read();
    const timer = window.setInterval(read, RefreshMs);
    return () => {
      live = false;
      window.clearInterval(timer);
    };
  }, []);

  if (health === null) {
    return null;
  }

  return (
    <div className="channels" data-testid="channels" data-status={health.status}>
      <h2>{t.channels}</h2>
      {health.status === "degraded" && <p className="problem" data-testid="channels-degraded">{t.channelsDegraded}</p>}
      <table className="grid">
        <thead>
          <tr>
            <th />
            <th>{t.state}</th>
            <th className="num">{t.channelFailures}</th>
            <th>{t.channelRetryAt}</th>
            <th>{t.channelRate}</th>
            <th>{t.channelLastFailure}</th>
          </tr>
        </thead>
        <tbody>
          {health.channels.map((c) => (
            <tr key={c.medium} data-testid={`channel-${c.medium}`} data-state={c.state}>
              <td>{c.medium}</td>
              <td>
                <span className={`badge circuit-${c.state}`}>{t[`circuit_${c.state}`]}</span>
              </td>
              <td className="num">{formatNumber(c.consecutiveFailures, locale)}</td>
              <td>{c.retryAt ? formatDateTime(c.retryAt, locale) : "—"}</td>
              <td>{c.rate === null ? t.channelNoRate : `${formatNumber(c.rate, locale)} / ${c.rateWindow}`}</td>
              <td className="sub">{c.lastFailure ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
