import { FormEvent, useState } from "react";
import { api, ApiProblem, setKey } from "../api";
import { useLocale } from "../i18n";

/** Checks the key against an admin endpoint before keeping it in session storage. */
export function SignIn(props: { onSignedIn: (timeZone: string) => void }) {
  const { t } = useLocale();
  const [key, setValue] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const settings = await api.get<{ timeZone: string }>("/api/settings", key.trim());
      setKey(key.trim());
      props.onSignedIn(settings.timeZone);
    } catch (err) {
      if (err instanceof ApiProblem && err.status === 403) setError(t.keyEventsOnly);
      else if (err instanceof ApiProblem && err.status === 401) setError(t.keyRefused);
      else setError(String(err instanceof Error ? err.message : err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="signin card" onSubmit={submit}>
      <h1>{t.signIn}</h1>
      <p>{t.signInHint}</p>
      <label>
        {t.apiKey}
        <input type="password" autoComplete="off" value={key} onChange={(e) => setValue(e.target.value)} data-testid="api-key" />
      </label>
      <button type="submit" disabled={busy || key.trim().length === 0} data-testid="sign-in">
        {t.signIn}
      </button>
      {error && (
        <p className="error" role="alert" data-testid="sign-in-error">
          {error}
        </p>
      )}
    </form>
  );
}
