import { useEffect, useState } from "react";

// A small history router: paths such as /journeys/welcome-series. The host answers index.html for every
// non-/api path, so a reload or a shared link opens the same screen. Keys never appear in a path.

export function navigate(path: string): void {
  if (path !== location.pathname + location.search) {
    history.pushState(null, "", path);
    dispatchEvent(new PopStateEvent("popstate"));
  }
}

export function usePath(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const on = () => setPath(location.pathname);
    addEventListener("popstate", on);
    return () => removeEventListener("popstate", on);
  }, []);
  return path;
}

/** Matches "/journeys/:id" against a path; null when it does not match. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split("/");
  const a = path.replace(/\/+$/, "").split("/");
  if (p.length !== a.length) return null;
  const out: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(":")) out[p[i].slice(1)] = decodeURIComponent(a[i]);
    else if (p[i] !== a[i]) return null;
  }
  return out;
}

export function Link(props: { to: string; children: React.ReactNode; className?: string; testId?: string }) {
  return (
    <a
      href={props.to}
      className={props.className}
      data-testid={props.testId}
      onClick={(e) => {
        if (e.button === 0 && !e.metaKey && !e.ctrlKey) {
          e.preventDefault();
          navigate(props.to);
        }
      }}
    >
      {props.children}
    </a>
  );
}
