import { useEffect, useMemo, useState } from "react";
import { api, ApiErrorItem, ApiProblem, enc, JourneyDetail, JourneyDoc, JourneyStats, PublishPreview } from "../api";
import { formatNumber, useLocale } from "../i18n";
import { Link } from "../router";
import { JourneyCanvas } from "../components/JourneyCanvas";
import { JsonEditor } from "../components/JsonEditor";
import { Kpi } from "../components/Kpi";
import { Problem } from "../components/Problem";
import { readEventFile } from "../events";

interface SimulationView {
  events: number;
  customers: number;
  sends: unknown[];
  stats: JourneyStats;
  skipped: number;
  deferred: number;
  failed: number;
}

function template(id: string): string {
  return JSON.stringify(
    {
      $schema: "../../schemas/journey.schema.json",
      id,
      name: id,
      version: 1,
      trigger: { event: "purchase" },
      start: "thanks",
      steps: {
        thanks: { type: "send", medium: "email", message: "thank-you", transactional: true, next: "done" },
        done: { type: "exit" },
      },
    },
    null,
    2,
  );
}

/** The draft in a JSON editor: validate, save, simulate (predicted counts on the canvas), publish, pause, resume, archive. */
export function DraftPage(props: { journeyId: string }) {
  const locale = useLocale();
  const { t } = locale;
  const [text, setText] = useState<string | null>(null);
  const [detail, setDetail] = useState<JourneyDetail | null>(null);
  const [errors, setErrors] = useState<ApiErrorItem[] | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [problem, setProblem] = useState<unknown>(null);
  const [simulation, setSimulation] = useState<SimulationView | null>(null);
  const [busy, setBusy] = useState(false);
  const [preview, setPreview] = useState<PublishPreview | null>(null);
  const [awaitingConfirm, setAwaitingConfirm] = useState(false);

  async function reload() {
    try {
      const d = await api.get<JourneyDetail>(`/api/journeys/${enc(props.journeyId)}`);
      setDetail(d);
      return d;
    } catch (e) {
      if (e instanceof ApiProblem && e.status === 404) return null;
      throw e;
    }
  }

  useEffect(() => {
    reload()
      .then((d) => {
        const doc = d?.draft ?? d?.latest;
        setText(doc ? JSON.stringify(doc, null, 2) : template(props.journeyId));
      })
      .catch(setProblem);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.journeyId]);

  const doc = useMemo<JourneyDoc | null>(() => {
    try {
      const d = JSON.parse(text ?? "") as JourneyDoc;
      return d && typeof d === "object" && d.steps && typeof d.start === "string" ? d : null;
    } catch {
      return null;
    }
  }, [text]);

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setNotice(null);
    setProblem(null);
    try {
      await action();
    } catch (e) {
      if (e instanceof ApiProblem && e.errors.length > 0) setErrors(e.errors);
      setProblem(e);
    } finally {
      setBusy(false);
    }
  }

  const validate = () =>
    run(async () => {
      const r = await api.post<{ valid: boolean; errors: ApiErrorItem[] }>("/api/journeys/validate", text ?? "");
      setErrors(r.errors);
      if (r.valid) setNotice(t.valid);
    });

  const save = () =>
    run(async () => {
      setErrors(null);
      await api.put(`/api/journeys/${enc(props.journeyId)}/draft`, text ?? "");
      setErrors([]);
      setNotice(t.saved);
      await reload();
    });

  // Publishing shows the 24-hour forecast first; above Publishing:ConfirmAbove it waits for the user to confirm the count they saw.
  const publish = () =>
    run(async () => {
      setErrors(null);
      setPreview(null);
      setAwaitingConfirm(false);
      await api.put(`/api/journeys/${enc(props.journeyId)}/draft`, text ?? "");
      const p = await api.post<PublishPreview>(`/api/journeys/${enc(props.journeyId)}/publish-preview`);
      setErrors([]);
      setPreview(p);
      if (p.confirmationRequired) setAwaitingConfirm(true);
      else await publishNow(p);
    });

  const confirmPublish = () =>
    run(async () => {
      if (preview) await publishNow(preview, preview.customers);
    });

  async function publishNow(p: PublishPreview, confirm?: number) {
    try {
      const query = confirm === undefined ? "" : `?confirm=${confirm}`;
      const r = await api.post<{ version: number; state: string }>(`/api/journeys/${enc(props.journeyId)}/publish${query}`);
      setAwaitingConfirm(false);
      setNotice(`${t.published}: v${r.version} (${r.state}) · ${t.publishedReach.replace("{n}", formatNumber(p.customers, locale))}`);
      await reload();
    } catch (e) {
      // The forecast grew past what was confirmed (or past the threshold) since the preview: show the new one and ask again.
      const again = e instanceof ApiProblem && e.status === 409 ? (e.body.preview as PublishPreview | undefined) : undefined;
      if (!again) throw e;
      setPreview(again);
      setAwaitingConfirm(true);
    }
  }

  const setState = (verb: "pause" | "resume" | "archive") =>
    run(async () => {
      const r = await api.post<{ state: string }>(`/api/journeys/${enc(props.journeyId)}/${verb}`);
      setNotice(`${props.journeyId}: ${r.state}`);
      await reload();
    });

  const simulate = (file: File) =>
    run(async () => {
      const events = readEventFile(await file.text());
      const journey = JSON.parse(text ?? "");
      const r = await api.post<SimulationView>(`/api/journeys/${enc(props.journeyId)}/simulate`, { journey, events, runFor: "P60D" });
      setSimulation(r);
    });

  return (
    <section className="draft-page">
      <div className="page-head">
        <h1>
          {t.drafts}: {props.journeyId} {detail?.state && <span className={`badge ${detail.state}`}>{detail.state}</span>}
          {detail && detail.versions.length > 0 && <span className="sub"> v{detail.versions.join(", v")}</span>}
        </h1>
        {detail && detail.versions.length > 0 && <Link to={`/journeys/${enc(props.journeyId)}`}>{t.journeys}</Link>}
      </div>
      <div className="toolbar">
        <button type="button" disabled={busy} onClick={validate} data-testid="validate">
          {t.validate}
        </button>
        <button type="button" disabled={busy} onClick={save} data-testid="save-draft">
          {t.saveDraft}
        </button>
        <button type="button" disabled={busy} onClick={publish} data-testid="publish">
          {t.publish}
        </button>
        <button type="button" disabled={busy || !detail?.state} onClick={() => setState("pause")} data-testid="pause">
          {t.pause}
        </button>
        <button type="button" disabled={busy || !detail?.state} onClick={() => setState("resume")} data-testid="resume">
          {t.resume}
        </button>
        <button type="button" disabled={busy || !detail?.state} onClick={() => setState("archive")} data-testid="archive">
          {t.archive}
        </button>
        <label className="file">
          {t.simulate}: {t.eventFile} / {t.cdnowSample}
          <input
            type="file"
            accept=".jsonl,.json,.txt"
            data-testid="simulate-file"
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (f) void simulate(f);
              e.target.value = "";
            }}
          />
        </label>
      </div>
      {notice && (
        <p className="notice" role="status" data-testid="notice">
          {notice}
        </p>
      )}
      {preview && (
        <div className="publish-preview" data-testid="publish-preview">
          <b>{t.publishPreview}</b>
          <div className="kpis">
            <Kpi label={t.previewCustomers} value={formatNumber(preview.customers, locale)} testId="preview-customers" />
            <Kpi label={t.previewMessages} value={formatNumber(preview.messages, locale)} testId="preview-messages" />
            {Object.entries(preview.messagesByMedium).map(([medium, n]) => (
              <Kpi key={medium} label={medium} value={formatNumber(n, locale)} testId={`preview-${medium}`} />
            ))}
          </div>
          <p className="sub" data-testid="preview-basis">
            {preview.basis.estimate && <>{t.previewEstimate}. </>}
            {t.previewBasis.replace("{c}", formatNumber(preview.basis.candidates, locale)).replace("{s}", formatNumber(preview.basis.scanned, locale))}
            {/* The API's own sentence on the basis is English. */}
            {locale.lang === "en" && <>. {preview.basis.description}</>}
          </p>
          {awaitingConfirm && (
            <div className="confirm" role="alertdialog" data-testid="confirm-publish-box">
              <p>{t.confirmPublish.replace("{n}", formatNumber(preview.customers, locale))}</p>
              <button type="button" disabled={busy} onClick={confirmPublish} data-testid="confirm-publish">
                {t.confirmPublishButton.replace("{n}", formatNumber(preview.customers, locale))}
              </button>
              <button type="button" disabled={busy} onClick={() => setAwaitingConfirm(false)} data-testid="cancel-publish">
                {t.cancel}
              </button>
            </div>
          )}
        </div>
      )}
      {problem !== null && !(problem instanceof ApiProblem && problem.errors.length > 0) && <Problem error={problem} />}
      <div className="draft-columns">
        <div>
          {text !== null && <JsonEditor value={text} onChange={setText} errors={errors ?? []} />}
          {errors && errors.length > 0 && (
            <div className="error" data-testid="errors">
              <b>
                {t.errors}: {errors.length}
              </b>
              <ul>
                {errors.map((e, i) => (
                  <li key={i} data-testid="error-item">
                    <code>{e.path}</code> {e.message}
                  </li>
                ))}
              </ul>
            </div>
          )}
        </div>
        <div>
          {simulation && (
            <div className="kpis" data-testid="simulation">
              <Kpi label={t.simulated} value={`${formatNumber(simulation.events, locale)} events / ${formatNumber(simulation.customers, locale)} ${t.customers}`} />
              <Kpi label={`${t.predicted} ${t.entered}`} value={formatNumber(simulation.stats.entered, locale)} testId="sim-entered" />
              <Kpi label={`${t.predicted} ${t.sent}`} value={formatNumber(simulation.sends.length, locale)} testId="sim-sent" />
              <Kpi label={`${t.skipped} / ${t.deferred}`} value={`${formatNumber(simulation.skipped, locale)} / ${formatNumber(simulation.deferred, locale)}`} />
            </div>
          )}
          {doc && <JourneyCanvas doc={doc} stats={simulation?.stats ?? emptyStats(doc.id)} predicted={simulation !== null} />}
        </div>
      </div>
    </section>
  );
}

function emptyStats(id: string): JourneyStats {
  return { journeyId: id, entered: 0, active: 0, holdout: 0, converted: 0, holdoutConverted: 0, lift: null, steps: [], exits: {}, variants: {} };
}
