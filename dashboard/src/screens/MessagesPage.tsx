import { useEffect, useState } from "react";
import { api, enc } from "../api";
import { useLocale } from "../i18n";
import { Problem } from "../components/Problem";

interface MessageItem {
  id: string;
  name?: string | null;
  media?: string[];
}

interface PreviewMedium {
  medium: string;
  content: Record<string, string>;
  missing: string[];
}

interface PreviewView {
  messageId: string;
  customerId: string | null;
  media: PreviewMedium[];
}

/** Renders a message for a chosen customer in each of its media: email in a sandboxed frame, a LINE bubble, postcard fields. */
export function MessagesPage() {
  const { t } = useLocale();
  const [messages, setMessages] = useState<MessageItem[]>([]);
  const [messageId, setMessageId] = useState("");
  const [customerId, setCustomerId] = useState("");
  const [preview, setPreview] = useState<PreviewView | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    api.get<MessageItem[]>("/api/messages")
      .then((m) => {
        setMessages(m);
        if (m.length > 0) setMessageId(m[0].id);
      })
      .catch(setError);
  }, []);

  async function show() {
    setError(null);
    try {
      const qs = customerId.trim() ? `?customerId=${enc(customerId.trim())}` : "";
      setPreview(await api.post<PreviewView>(`/api/messages/${enc(messageId)}/preview${qs}`, {}));
    } catch (e) {
      setPreview(null);
      setError(e);
    }
  }

  return (
    <section>
      <h1>{t.messages}</h1>
      <div className="toolbar">
        <label>
          {t.message}
          <select value={messageId} onChange={(e) => setMessageId(e.target.value)} data-testid="message-select">
            {messages.map((m) => (
              <option key={m.id} value={m.id}>
                {m.id}
                {m.name ? ` — ${m.name}` : ""}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t.customerId}
          <input value={customerId} onChange={(e) => setCustomerId(e.target.value)} data-testid="preview-customer" />
        </label>
        <button type="button" onClick={show} disabled={!messageId} data-testid="preview">
          {t.preview}
        </button>
      </div>
      <Problem error={error} />
      {preview && (
        <div className="previews">
          {preview.media.map((m) => (
            <div key={m.medium} className="card" data-testid={`preview-${m.medium}`}>
              <h2>{m.medium}</h2>
              <MediumPreview medium={m} />
              {m.missing.length > 0 && (
                <p className="warn">
                  {t.missing}: {m.missing.join(", ")}
                </p>
              )}
            </div>
          ))}
        </div>
      )}
    </section>
  );
}

function MediumPreview({ medium }: { medium: PreviewMedium }) {
  const c = medium.content;
  if (medium.medium === "email") {
    return (
      <>
        <p className="subject" data-testid="email-subject">
          {c.subject}
        </p>
        {/* No allow-scripts: the message's HTML cannot run script, and it gets an opaque origin. */}
        <iframe className="mail" sandbox="" title="email" srcDoc={c.html ?? ""} data-testid="email-frame" />
      </>
    );
  }
  if (medium.medium === "line") {
    return (
      <div className="line-chat">
        <div className="line-bubble" data-testid="line-bubble">
          {c.text ?? Object.values(c).join("\n")}
        </div>
      </div>
    );
  }
  return (
    <dl className={medium.medium === "postcard" ? "postcard" : undefined} data-testid={`fields-${medium.medium}`}>
      {Object.entries(c).map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}
