import { ApiProblem } from "../api";

/** An API error as the user sees it: title, detail and every error at its path. */
export function Problem(props: { error: unknown }) {
  const e = props.error;
  if (!e) return null;
  if (e instanceof ApiProblem) {
    return (
      <div className="error" role="alert" data-testid="problem">
        <b>{e.title}</b> {e.detail}
        {e.errors.length > 0 && (
          <ul>
            {e.errors.map((x, i) => (
              <li key={i}>
                <code>{x.path}</code> {x.message}
              </li>
            ))}
          </ul>
        )}
      </div>
    );
  }
  return (
    <div className="error" role="alert" data-testid="problem">
      {e instanceof Error ? e.message : String(e)}
    </div>
  );
}
