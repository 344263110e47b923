import { useEffect, useRef, useState } from 'preact/hooks';

/** The case shapes the inbox reads from /v1/cases (the API's CaseView, CaseListItemView, CaseDetailView). */
export type CaseStatus = 'new' | 'acknowledged' | 'in_progress' | 'resolved' | 'dismissed';
export type Severity = 'low' | 'medium' | 'high' | 'critical';
export type SlaState = 'breached' | 'at_risk' | 'on_track';

export interface CaseSummary {
  id: string;
  feedbackId: string;
  leadFeedbackId: string;
  channel: string;
  customerRef: string | null;
  status: CaseStatus;
  dismissReason: string | null;
  severity: Severity;
  priority: number;
  flags: string[];
  topics: string[];
  teamId: string | null;
  assigneeId: string | null;
  version: number;
  repliesDelivered: number;
  openedAt: string;
  firstResponseAt: string | null;
  closedAt: string | null;
  sla: {
    firstResponseDueAt: string;
    resolutionDueAt: string;
    dueAt: string | null;
    state: SlaState | null;
    atRiskMinutes: number;
  };
}

export interface CaseListItem extends CaseSummary {
  headline: string;
  assigneeName: string | null;
}

export interface CaseMessage {
  id: string;
  kind: string;
  status: 'pending' | 'delivered' | 'dead';
  attempts: number;
  lastError: string | null;
  resolvesCase: boolean;
  createdAt: string;
}

export interface CaseDetail extends CaseSummary {
  feedback: { feedbackId: string; relation: string; linkedAt: string }[];
  notes: { id: string; body: string; authorMemberId: string | null; createdAt: string }[];
  messages: CaseMessage[];
}

export interface Member {
  id: string;
  name: string;
  teamIds: string[];
}

export const CLOSED: ReadonlySet<CaseStatus> = new Set(['resolved', 'dismissed']);

export const statusLabel = (status: string) => status.replace('_', ' ');

/** Flag codes as words: `churn_threat` → "churn threat". */
export const readable = (codes: readonly string[]) =>
  codes.map((code) => code.replaceAll('_', ' ')).join(', ');

/** The clock the countdowns tick on; one timer per page, not one per row. */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/**
 * How the case's current deadline stands at `now`. The API decided which deadline matters (first response
 * until one reached the customer, then resolution) and the at-risk threshold; the filter uses the same, so
 * the badge ticking here agrees with the list the filter returns.
 */
export function slaCountdown(item: CaseSummary, now: number) {
  if (!item.sla.dueAt) return undefined;
  const left = new Date(item.sla.dueAt).getTime() - now;
  const minutes = Math.floor(Math.abs(left) / 60_000);
  const text = minutes >= 120 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes} min`;
  const state: SlaState =
    left < 0 ? 'breached' : left < item.sla.atRiskMinutes * 60_000 ? 'at_risk' : 'on_track';
  return { text: left < 0 ? `${text} overdue` : `${text} left`, state };
}

export const SLA_WORDS: Record<SlaState, string> = {
  breached: 'breached',
  at_risk: 'at risk',
  on_track: 'on track',
};

/**
 * Keyboard shortcuts of a view: single keys, ignored while the person types in a field (where a key is a
 * letter, not a command) or holds a modifier. `handlers` may change every render; the listener stays.
 */
export function useShortcuts(handlers: Record<string, () => void>) {
  const current = useRef(handlers);
  current.current = handlers;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
      const target = event.target as HTMLElement | null;
      if (target?.closest('input, textarea, select, [contenteditable="true"]')) return;
      const handler = current.current[event.key];
      if (!handler) return;
      event.preventDefault();
      handler();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
}

/** How often an open inbox asks whether any case changed (a 304 of a few bytes while nothing did). */
const WATERMARK_POLL_MS = 4_000;

/**
 * Calls `onChange` when a case of the organisation is opened or changed, by polling the cases' watermark
 * with If-None-Match: nothing is reloaded while nothing changed. Returns whether the last poll succeeded.
 */
export function useCaseChanges(onChange: () => void): boolean {
  const handler = useRef(onChange);
  handler.current = onChange;
  const [live, setLive] = useState(false);
  useEffect(() => {
    let etag: string | undefined;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const response = await fetch('/v1/cases/watermark', {
          headers: { accept: 'application/json', ...(etag ? { 'if-none-match': etag } : {}) },
          credentials: 'same-origin',
          cache: 'no-store',
        });
        if (response.status === 200) {
          const next = response.headers.get('etag') ?? undefined;
          if (etag !== undefined && next !== etag) handler.current();
          etag = next;
        }
        if (!stopped) setLive(response.status === 200 || response.status === 304);
      } catch {
        if (!stopped) setLive(false);
      }
      if (!stopped) timer = setTimeout(poll, WATERMARK_POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, []);
  return live;
}

/**
 * A reply being written, kept in the tab's session storage under its case: it survives moving to another
 * view or case and a reload, and is dropped only once the API accepted the reply.
 */
export function useDraft(caseId: string): [string, (text: string) => void, () => void] {
  const key = `cxloop.reply-draft.${caseId}`;
  const [text, setText] = useState(() => sessionStorage.getItem(key) ?? '');
  useEffect(() => setText(sessionStorage.getItem(key) ?? ''), [key]);
  const update = (next: string) => {
    setText(next);
    if (next) sessionStorage.setItem(key, next);
    else sessionStorage.removeItem(key);
  };
  return [text, update, () => update('')];
}
