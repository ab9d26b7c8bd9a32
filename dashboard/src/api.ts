// The only way the dashboard talks to the engine: the public HTTP API with the key from session storage.
// The key travels in the X-Api-Key header only, never in a URL, and is never logged.

const KeyName = "scenarioEngine.apiKey";

export function getKey(): string | null {
  return sessionStorage.getItem(KeyName);
}

export function setKey(key: string | null): void {
  if (key === null) sessionStorage.removeItem(KeyName);
  else sessionStorage.setItem(KeyName, key);
}

export interface ApiErrorItem {
  path: string;
  message: string;
  index?: number;
}

/** A problem details answer (RFC 9457) from the API. */
export class ApiProblem extends Error {
  constructor(
    public readonly status: number,
    public readonly title: string,
    public readonly detail: string | undefined,
    public readonly errors: ApiErrorItem[],
    /** The whole problem document, with its extension members (e.g. the publish preview of a 409). */
    public readonly body: Record<string, unknown> = {},
  ) {
    super(detail ? `${title}: ${detail}` : title);
  }
}

async function request<T>(method: string, path: string, body?: unknown, key?: string): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  const k = key ?? getKey();
  if (k) headers["X-Api-Key"] = k;
  let payload: string | undefined;
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = typeof body === "string" ? body : JSON.stringify(body);
  }
  const response = await fetch(path, { method, headers, body: payload });
  const text = await response.text();
  const json = text.length > 0 && (response.headers.get("content-type") ?? "").includes("json") ? JSON.parse(text) : text;
  if (!response.ok) {
    const p = typeof json === "object" && json !== null ? json : {};
    throw new ApiProblem(response.status, p.title ?? response.statusText, p.detail, Array.isArray(p.errors) ? p.errors : [], p);
  }
  return json as T;
}

export const api = {
  get: <T>(path: string, key?: string) => request<T>("GET", path, undefined, key),
  post: <T>(path: string, body?: unknown) => request<T>("POST", path, body),
  put: <T>(path: string, body: unknown) => request<T>("PUT", path, body),
};

export const enc = encodeURIComponent;

// ---------------------------------------------------------------- shapes of the answers used here

export type JourneyState = "active" | "paused" | "archived";

export interface JourneyListItem {
  id: string;
  name: string | null;
  state: JourneyState | null;
  versions: number[];
  latestVersion: number | null;
  draftSavedAt: string | null;
  lastPublishedAt?: string | null;
}

export interface StepStats {
  stepId: string;
  counts: Record<string, number>;
}

/** One channel's circuit and send rate, from GET /api/health. */
export interface ChannelHealth {
  medium: string;
  state: "closed" | "open" | "halfOpen";
  consecutiveFailures: number;
  openedAt: string | null;
  retryAt: string | null;
  lastFailure: string | null;
  rate: number | null;
  rateWindow: string;
}

/** GET /api/health. */
export interface Health {
  status: "ok" | "degraded";
  channels: ChannelHealth[];
}

export interface JourneyStats {
  journeyId: string;
  entered: number;
  active: number;
  holdout: number;
  converted: number;
  holdoutConverted: number;
  lift: number | null;
  steps: StepStats[];
  exits: Record<string, number>;
  variants: Record<string, number>;
  asOf?: string | null;
}

export interface JourneyDetail {
  id: string;
  state: JourneyState | null;
  versions: number[];
  latest: JourneyDoc | null;
  draft: JourneyDoc | null;
  draftSavedAt: string | null;
}

export interface JourneyDoc {
  id: string;
  name?: string;
  start: string;
  trigger?: unknown;
  steps: Record<string, StepDoc>;
  [key: string]: unknown;
}

export interface StepDoc {
  type: string;
  next?: string;
  medium?: string;
  message?: string;
  for?: string;
  event?: string;
  timeout?: string;
  onEvent?: string;
  onTimeout?: string;
  cases?: { when: unknown; next: string }[];
  otherwise?: string;
  variants?: { name: string; weight: number; next: string }[];
  [key: string]: unknown;
}

export interface WaitingFor {
  kind: "time" | "event";
  until: string | null;
  event?: string | null;
}

export interface CustomerJourney {
  journeyId: string;
  version: number;
  instanceId: string;
  status: string;
  step: string | null;
  stepType: string | null;
  waitingFor: WaitingFor | null;
  enteredAt: string;
  stepEnteredAt: string;
  holdout: boolean;
  variant: string | null;
  convertedAt: string | null;
  exitedAt: string | null;
  exitReason: string | null;
}

export interface CustomerView {
  customerId: string;
  profile: { attributes: Record<string, unknown>; consent: Record<string, boolean>; suppressed: Record<string, string>; tags: string[]; timeZone: string | null };
  computed: Record<string, unknown>;
  journeys: CustomerJourney[];
}

export interface TimelineEntry {
  at: string;
  kind: string;
  journeyId?: string | null;
  stepId?: string | null;
  text: string;
  data?: Record<string, string> | null;
  [key: string]: unknown;
}

export interface StepCustomer {
  customerId: string;
  instanceId: string;
  status: string;
  step: string | null;
  enteredAt: string;
  stepEnteredAt: string;
}

export interface StepCustomersPage {
  journeyId: string;
  stepId: string;
  customers: StepCustomer[];
  continuation: string | null;
}

export interface AuditEntry {
  at: string;
  key: string;
  kind: string;
  target?: string | null;
  version?: number | null;
}

export interface AuditPage {
  entries: AuditEntry[];
  /** The cursor for the next page; absent on the last one. */
  next?: string | null;
}

/** POST /api/journeys/{id}/publish-preview: what publishing the draft would send in the next 24 hours. */
export interface PublishPreview {
  journeyId: string;
  version: number;
  asOf: string;
  until: string;
  customers: number;
  entered: number;
  messages: number;
  messagesByMedium: Record<string, number>;
  steps: { stepId: string; medium: string; messages: number; customers: number }[];
  basis: { trigger: string; estimate: boolean; description: string; candidates: number; alreadyInJourney: number; scanned: number };
  confirmAbove: number;
  confirmationRequired: boolean;
}
