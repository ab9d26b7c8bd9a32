import { useRef, useState } from "react";
import type { ApiErrorItem } from "../api";
import { suggest, Suggestion } from "../completion";
import { lineOfPath } from "../pathLine";

/**
 * A JSON text area with line numbers; each validation error is marked on the line its path points to. Ctrl+Space lists what
 * the journey schema allows at the cursor (property names, or the values of an enum); Enter or a click inserts the first or
 * the chosen one.
 */
export function JsonEditor(props: { value: string; onChange: (v: string) => void; errors: ApiErrorItem[] }) {
  const gutter = useRef<HTMLDivElement>(null);
  const area = useRef<HTMLTextAreaElement>(null);
  const [suggestions, setSuggestions] = useState<{ items: Suggestion[]; from: number; to: number } | null>(null);
  const lines = props.value.split("\n").length;
  const marks = new Map<number, string[]>();
  for (const e of props.errors) {
    const line = lineOfPath(props.value, e.path);
    if (line !== null) marks.set(line, [...(marks.get(line) ?? []), `${e.path}: ${e.message}`]);
  }

  function complete() {
    const el = area.current;
    if (!el) return;
    const cursor = el.selectionStart;
    // What is typed already of the word at the cursor ("at or ema) is replaced by the suggestion and filters the list.
    const typed = /"?[\w.$-]*$/.exec(props.value.slice(0, cursor))?.[0] ?? "";
    const word = typed.replace(/^"/, "");
    const items = suggest(props.value, cursor - typed.length).filter((s) => s.label.replace(/^"/, "").startsWith(word));
    setSuggestions({ items, from: cursor - typed.length, to: cursor });
  }

  function insert(s: Suggestion) {
    if (!suggestions) return;
    const next = props.value.slice(0, suggestions.from) + s.text + props.value.slice(suggestions.to);
    props.onChange(next);
    setSuggestions(null);
    const at = suggestions.from + s.text.length;
    requestAnimationFrame(() => {
      area.current?.focus();
      area.current?.setSelectionRange(at, at);
    });
  }

  return (
    <div className="editor-wrap">
      <div className="editor">
        <div className="gutter" ref={gutter} aria-hidden="true">
          {Array.from({ length: lines }, (_, i) => {
            const m = marks.get(i + 1);
            return (
              <div key={i} className={m ? "mark" : undefined} title={m?.join("\n")} data-testid={m ? `error-line-${i + 1}` : undefined}>
                {m ? "●" : ""}
                {i + 1}
              </div>
            );
          })}
        </div>
        <textarea
          ref={area}
          spellCheck={false}
          value={props.value}
          data-testid="json-editor"
          onChange={(e) => {
            props.onChange(e.target.value);
            setSuggestions(null);
          }}
          onKeyDown={(e) => {
            if (e.key === " " && e.ctrlKey) {
              e.preventDefault();
              complete();
            } else if (e.key === "Escape") {
              setSuggestions(null);
            } else if (e.key === "Enter" && suggestions && suggestions.items.length > 0) {
              e.preventDefault();
              insert(suggestions.items[0]);
            }
          }}
          onScroll={(e) => {
            if (gutter.current) gutter.current.scrollTop = e.currentTarget.scrollTop;
          }}
        />
      </div>
      {suggestions && (
        <ul className="suggestions" data-testid="suggestions">
          {suggestions.items.length === 0 && <li className="sub">—</li>}
          {suggestions.items.map((s) => (
            <li key={s.label}>
              <button type="button" onClick={() => insert(s)} data-testid={`suggest-${s.label.replace(/"/g, "")}`}>
                <code>{s.label}</code>
              </button>{" "}
              <span className="sub">{s.detail}</span>
            </li>
          ))}
        </ul>
      )}
      <p className="sub">Ctrl+Space: schema</p>
    </div>
  );
}
