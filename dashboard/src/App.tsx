import { useEffect, useMemo, useState } from "react";
import { api, ApiProblem, getKey, setKey } from "./api";
import { dictionaries, Lang, LocaleContext, Locale } from "./i18n";
import { Link, match, navigate, usePath } from "./router";
import { SignIn } from "./screens/SignIn";
import { JourneyList } from "./screens/JourneyList";
import { JourneyCanvasPage } from "./screens/JourneyCanvasPage";
import { CustomerPage } from "./screens/CustomerPage";
import { DraftPage } from "./screens/DraftPage";
import { MessagesPage } from "./screens/MessagesPage";
import { ReportsPage } from "./screens/ReportsPage";
import { AuditPage } from "./screens/AuditPage";

interface DashboardSettings {
  timeZone: string;
}

const LangKey = "scenarioEngine.lang";

export function App() {
  const [lang, setLang] = useState<Lang>(() => (localStorage.getItem(LangKey) === "en" ? "en" : "ja"));
  const [signedIn, setSignedIn] = useState(() => getKey() !== null);
  const [timeZone, setTimeZone] = useState("Asia/Tokyo");
  const path = usePath();

  useEffect(() => {
    document.documentElement.lang = lang;
    localStorage.setItem(LangKey, lang);
  }, [lang]);

  useEffect(() => {
    if (!signedIn) return;
    api.get<DashboardSettings>("/api/settings")
      .then((s) => setTimeZone(s.timeZone))
      .catch((e) => {
        if (e instanceof ApiProblem && (e.status === 401 || e.status === 403)) {
          setKey(null);
          setSignedIn(false);
        }
      });
  }, [signedIn]);

  const locale: Locale = useMemo(() => ({ lang, t: dictionaries[lang], timeZone }), [lang, timeZone]);
  const t = locale.t;

  const toggle = (
    <button type="button" className="lang" data-testid="lang" onClick={() => setLang(lang === "ja" ? "en" : "ja")}>
      {t.language}
    </button>
  );

  if (!signedIn) {
    return (
      <LocaleContext.Provider value={locale}>
        <header className="top">
          <span className="brand">{t.appTitle}</span>
          <span className="spacer" />
          {toggle}
        </header>
        <SignIn
          onSignedIn={(tz) => {
            setTimeZone(tz);
            setSignedIn(true);
            if (path === "/signin") navigate("/");
          }}
        />
      </LocaleContext.Provider>
    );
  }

  let screen: React.ReactNode;
  let m: Record<string, string> | null;
  if ((m = match("/journeys/:id", path))) screen = <JourneyCanvasPage key={m.id} journeyId={m.id} />;
  else if ((m = match("/customers/:id", path))) screen = <CustomerPage key={m.id} customerId={m.id} />;
  else if ((m = match("/drafts/:id", path))) screen = <DraftPage key={m.id} journeyId={m.id} />;
  else if (match("/messages", path)) screen = <MessagesPage />;
  else if (match("/reports", path)) screen = <ReportsPage />;
  else if (match("/audit", path)) screen = <AuditPage />;
  else screen = <JourneyList />;

  return (
    <LocaleContext.Provider value={locale}>
      <header className="top">
        <span className="brand">{t.appTitle}</span>
        <nav>
          <Link to="/">{t.journeys}</Link>
          <Link to="/messages">{t.messages}</Link>
          <Link to="/reports">{t.reports}</Link>
          <Link to="/audit" testId="nav-audit">{t.audit}</Link>
        </nav>
        <span className="spacer" />
        <span className="zone" data-testid="zone">{timeZone}</span>
        {toggle}
        <button
          type="button"
          onClick={() => {
            setKey(null);
            setSignedIn(false);
          }}
        >
          {t.signOut}
        </button>
      </header>
      <main>{screen}</main>
    </LocaleContext.Provider>
  );
}
