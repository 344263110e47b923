import { useEffect, useState } from 'preact/hooks';
import { ApiError, api } from '../api';
import { href, navigate, type Route } from '../router';
import type { Session } from '../session';
import { Empty, ErrorNotice, formatDateTime, Show, useResource } from '../ui';

interface CaseSummary {
  id: string;
  feedbackId: string;
  channel: string;
  customerRef: string | null;
  status: 'new' | 'acknowledged' | 'in_progress' | 'resolved' | 'dismissed';
  dismissReason: string | null;
  severity: 'low' | 'medium' | 'high' | 'critical';
  priority: number;
  flags: string[];
  topics: string[];
  assigneeId: string | null;
  version: number;
  openedAt: string;
  firstResponseAt: string | null;
  closedAt: string | null;
  sla: {
    firstResponseDueAt: string;
    resolutionDueAt: string;
    firstResponseBreachedAt: string | null;
    resolutionBreachedAt: string | null;
  };
}

interface CaseDetail extends CaseSummary {
  feedback: { feedbackId: string; relation: string; linkedAt: string }[];
  notes: { id: string; body: string; authorMemberId: string | null; createdAt: string }[];
  messages: {
    id: string;
    kind: string;
    status: string;
    attempts: number;
    lastError: string | null;
    createdAt: string;
  }[];
}

interface CaseEvent {
  id: string;
  action: string;
  fromStatus: string | null;
  toStatus: string | null;
  details: Record<string, unknown>;
  at: string;
}

interface FeedbackItem {
  id: string;
  channel: string;
  text: string;
  customerRef: string | null;
  ratings: { nps: number | null; csat: number | null; ces: number | null };
  occurredAt: string;
  analysis: {
    sentiment: { score: number | null; label: string | null };
    severity: string;
    urgency: number;
    redactedText: string;
    details: Record<string, unknown>;
  } | null;
}

const CLOSED = new Set(['resolved', 'dismissed']);

/** Flag codes as words: `churn_threat` → "churn threat". */
const readable = (codes: readonly string[]) => codes.map((code) => code.replaceAll('_', ' ')).join(', ');

/** How often an open case with a reply on its way is re-read until the delivery settles. */
const PENDING_REFRESH_MS = 2_000;

/** The clock the countdowns tick on; one timer per page, not one per row. */
function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

function countdown(dueAt: string, now: number): { text: string; state: 'breached' | 'at_risk' | 'on_track' } {
  const left = new Date(dueAt).getTime() - now;
  const minutes = Math.floor(Math.abs(left) / 60_000);
  const text = minutes >= 120 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes} min`;
  if (left < 0) return { text: `${text} overdue`, state: 'breached' };
  return { text: `${text} left`, state: left < 30 * 60_000 ? 'at_risk' : 'on_track' };
}

/** The deadline that matters now: first response until someone answered, then resolution. */
function SlaCountdown({ item, now }: { item: CaseSummary; now: number }) {
  if (CLOSED.has(item.status)) return <span class="muted">closed {formatDateTime(item.closedAt)}</span>;
  const due = item.firstResponseAt ? item.sla.resolutionDueAt : item.sla.firstResponseDueAt;
  const { text, state } = countdown(due, now);
  return (
    <span class={`sla sla-${state}`} title={`due ${formatDateTime(due)}`}>
      {item.firstResponseAt ? 'resolve' : 'respond'}: {text}
    </span>
  );
}

export function InboxView({ session, route }: { session: Session; route: Route }) {
  const caseId = route.parts[1];
  return caseId ? (
    <CaseView caseId={caseId} session={session} />
  ) : (
    <CaseList session={session} route={route} />
  );
}

const STATUS_FILTERS = ['open', 'new', 'acknowledged', 'in_progress', 'resolved', 'dismissed'] as const;

function CaseList({ session, route }: { session: Session; route: Route }) {
  const status = route.query.get('status') ?? 'open';
  const severity = route.query.get('severity') ?? '';
  const sla = route.query.get('sla') ?? '';
  const mine = route.query.get('mine') === '1';
  const now = useNow();
  const { resource, reload } = useResource(() => {
    const params = new URLSearchParams();
    for (const s of status === 'open' ? ['new', 'acknowledged', 'in_progress'] : [status])
      params.append('status', s);
    if (severity) params.set('severity', severity);
    if (sla) params.set('sla', sla);
    if (mine) params.set('assignee', 'me');
    return api.get<{ items: CaseSummary[]; total: number }>(`/v1/cases?${params}`);
  }, [status, severity, sla, mine]);
  const [claimError, setClaimError] = useState<ApiError>();
  const [notice, setNotice] = useState<string>();
  const filter = (changes: Record<string, string | undefined>) =>
    navigate('/inbox', {
      status,
      severity: severity || undefined,
      sla: sla || undefined,
      mine: mine ? '1' : undefined,
      ...changes,
    });

  return (
    <section aria-labelledby="inbox-title">
      <div class="toolbar">
        <h1 id="inbox-title">Inbox</h1>
        {session.role === 'responder' && (
          <button
            type="button"
            onClick={() => {
              setClaimError(undefined);
              setNotice(undefined);
              api.post<CaseSummary | undefined>('/v1/cases/claim-next').then((claimed) => {
                if (claimed) navigate(`/inbox/${claimed.id}`);
                else setNotice('Nothing to claim: every open case of your teams has someone on it.');
              }, setClaimError);
            }}
          >
            Claim next
          </button>
        )}
      </div>
      {claimError && <ErrorNotice error={claimError} />}
      {notice && <p class="notice">{notice}</p>}
      <div class="filters">
        <label>
          Status{' '}
          <select value={status} onChange={(e) => filter({ status: e.currentTarget.value })}>
            {STATUS_FILTERS.map((s) => (
              <option key={s} value={s}>
                {s.replace('_', ' ')}
              </option>
            ))}
          </select>
        </label>
        <label>
          Severity{' '}
          <select value={severity} onChange={(e) => filter({ severity: e.currentTarget.value || undefined })}>
            <option value="">any</option>
            {['critical', 'high', 'medium', 'low'].map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          SLA{' '}
          <select value={sla} onChange={(e) => filter({ sla: e.currentTarget.value || undefined })}>
            <option value="">any</option>
            <option value="breached">breached</option>
            <option value="at_risk">at risk</option>
            <option value="on_track">on track</option>
          </select>
        </label>
        <label class="inline">
          <input
            type="checkbox"
            checked={mine}
            onChange={(e) => filter({ mine: e.currentTarget.checked ? '1' : undefined })}
          />{' '}
          Mine
        </label>
      </div>
      <Show resource={resource} retry={reload} what="Loading cases">
        {({ items, total }) =>
          items.length === 0 ? (
            <Empty>No cases match these filters.</Empty>
          ) : (
            <>
              <p class="muted small">
                {items.length} of {total}
              </p>
              <ul class="case-list">
                {items.map((item) => (
                  <li key={item.id} class={`case-row severity-${item.severity}`} data-case={item.id}>
                    <a href={href(`/inbox/${item.id}`)}>
                      <span class={`badge severity-${item.severity}`}>{item.severity}</span>{' '}
                      <strong>{item.topics.join(', ') || item.channel}</strong>
                      <span class="muted small">
                        {' '}
                        · {item.channel} · {item.status.replace('_', ' ')} · opened{' '}
                        {formatDateTime(item.openedAt)}
                        {item.flags.length > 0 && ` · ${readable(item.flags)}`}
                      </span>
                    </a>
                    <SlaCountdown item={item} now={now} />
                  </li>
                ))}
              </ul>
            </>
          )
        }
      </Show>
    </section>
  );
}

function CaseView({ caseId, session }: { caseId: string; session: Session }) {
  const now = useNow();
  const { resource, reload } = useResource(async () => {
    const detail = await api.get<CaseDetail>(`/v1/cases/${caseId}`);
    const [events, feedback] = await Promise.all([
      api.get<{ events: CaseEvent[] }>(`/v1/cases/${caseId}/events`),
      Promise.all(detail.feedback.map((link) => api.get<FeedbackItem>(`/v1/feedback/${link.feedbackId}`))),
    ]);
    return { detail, events: events.events, feedback };
  }, [caseId]);
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const canAct = session.role !== 'manager';
  // A reply on its way changes the case when it is delivered (first response, version): follow it, so the
  // page shows the delivery and the next action carries the current version.
  const delivering =
    resource.state === 'ready' &&
    resource.data.detail.messages.some((message) => message.status === 'pending');
  useEffect(() => {
    if (!delivering) return;
    const timer = setTimeout(reload, PENDING_REFRESH_MS);
    return () => clearTimeout(timer);
  }, [delivering, resource]);

  const act = (run: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    run()
      .then(reload, (failure: ApiError) => {
        if (failure.status === 412) {
          // Someone (or a delivery) changed the case since it was shown: show the latest, never overwrite it.
          reload();
          setError(
            new ApiError(
              412,
              'This case changed while you were looking at it',
              'the page now shows the latest state; check it and try again',
            ),
          );
        } else setError(failure);
      })
      .finally(() => setBusy(false));
  };

  return (
    <section aria-labelledby="case-title">
      <a href="#/inbox">← Inbox</a>
      <Show resource={resource} retry={reload} what="Loading the case">
        {({ detail, events, feedback }) => {
          const transition = (status: string, reason?: string) =>
            act(() =>
              api.postIfMatch(`/v1/cases/${detail.id}/transitions`, detail.version, {
                status,
                ...(reason ? { reason } : {}),
              }),
            );
          const primary = feedback.find((item) => item.id === detail.feedbackId) ?? feedback[0];
          const related = feedback.filter((item) => item !== primary);
          return (
            <div class="case-layout">
              <div class="card">
                <h1 id="case-title">
                  <span class={`badge severity-${detail.severity}`}>{detail.severity}</span> Case ·{' '}
                  <span data-testid="case-status">{detail.status.replace('_', ' ')}</span>
                </h1>
                <p>
                  <SlaCountdown item={detail} now={now} />
                </p>
                <p class="muted small">
                  {detail.channel} · customer {detail.customerRef ?? 'unknown'} · topics{' '}
                  {detail.topics.join(', ') || '—'} · flags {readable(detail.flags) || '—'}
                  {detail.dismissReason && ` · dismissed: ${detail.dismissReason}`}
                </p>
                {error && <ErrorNotice error={error} />}
                {canAct && (
                  <div class="actions-row">
                    {/* One button per move the workflow allows from here (new → acknowledged → in progress →
                        resolved); the API refuses any other with 409, so offering it would only fail. */}
                    {detail.status === 'new' && (
                      <button type="button" disabled={busy} onClick={() => transition('acknowledged')}>
                        Acknowledge
                      </button>
                    )}
                    {detail.status === 'acknowledged' && (
                      <button type="button" disabled={busy} onClick={() => transition('in_progress')}>
                        Start work
                      </button>
                    )}
                    {detail.status === 'in_progress' && (
                      <button type="button" disabled={busy} onClick={() => transition('resolved')}>
                        Resolve
                      </button>
                    )}
                    {!CLOSED.has(detail.status) && (
                      <DismissButton busy={busy} onDismiss={(reason) => transition('dismissed', reason)} />
                    )}
                    {CLOSED.has(detail.status) && (
                      <button
                        type="button"
                        class="secondary"
                        disabled={busy}
                        onClick={() => transition('in_progress')}
                      >
                        Reopen
                      </button>
                    )}
                  </div>
                )}
              </div>
              {primary && <FeedbackCard item={primary} title="Feedback" />}
              {related.length > 0 && (
                <div class="card">
                  <h2>Related feedback ({related.length})</h2>
                  {related.map((item) => (
                    <FeedbackCard key={item.id} item={item} />
                  ))}
                </div>
              )}
              {canAct && !CLOSED.has(detail.status) && (
                <TextAction
                  title="Reply to the customer"
                  label="Send reply"
                  busy={busy}
                  onSubmit={(body) =>
                    act(() => api.postIfMatch(`/v1/cases/${detail.id}/replies`, detail.version, { body }))
                  }
                />
              )}
              <div class="card">
                <h2>Notes</h2>
                {detail.notes.length === 0 ? (
                  <Empty>No notes yet.</Empty>
                ) : (
                  <ul class="plain">
                    {detail.notes.map((note) => (
                      <li key={note.id}>
                        <span class="muted small">{formatDateTime(note.createdAt)}</span> {note.body}
                      </li>
                    ))}
                  </ul>
                )}
                {canAct && (
                  <TextAction
                    label="Add note"
                    busy={busy}
                    onSubmit={(body) => act(() => api.post(`/v1/cases/${detail.id}/notes`, { body }))}
                  />
                )}
              </div>
              {detail.messages.length > 0 && (
                <div class="card">
                  <h2>Messages</h2>
                  <ul class="plain messages">
                    {detail.messages.map((message) => (
                      <li key={message.id}>
                        {message.kind} · {message.status} · {message.attempts}{' '}
                        {message.attempts === 1 ? 'attempt' : 'attempts'} ·{' '}
                        {formatDateTime(message.createdAt)}
                        {message.lastError && <span class="muted"> — {message.lastError}</span>}
                      </li>
                    ))}
                  </ul>
                </div>
              )}
              <div class="card">
                <h2>Audit trail</h2>
                <ol class="plain audit">
                  {events.map((event) => (
                    <li key={event.id}>
                      <span class="muted small">{formatDateTime(event.at)}</span>{' '}
                      {event.action.replaceAll('_', ' ')}
                      {event.toStatus &&
                        event.toStatus !== event.fromStatus &&
                        event.toStatus !== event.action &&
                        ` → ${event.toStatus.replace('_', ' ')}`}
                    </li>
                  ))}
                </ol>
              </div>
            </div>
          );
        }}
      </Show>
    </section>
  );
}

function FeedbackCard({ item, title }: { item: FeedbackItem; title?: string }) {
  const analysis = item.analysis;
  const ratings = Object.entries(item.ratings).filter(([, value]) => value !== null);
  return (
    <div class="card feedback-card">
      {title && <h2>{title}</h2>}
      <blockquote>{item.text || <em>no text</em>}</blockquote>
      <p class="muted small">
        {item.channel} · {formatDateTime(item.occurredAt)}
        {ratings.map(([name, value]) => ` · ${name.toUpperCase()} ${value}`)}
        {analysis &&
          ` · sentiment ${analysis.sentiment.label ?? '—'} · severity ${analysis.severity} · urgency ${analysis.urgency.toFixed(2)}`}
      </p>
    </div>
  );
}

function DismissButton({ busy, onDismiss }: { busy: boolean; onDismiss: (reason: string) => void }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  if (!open)
    return (
      <button type="button" class="secondary" disabled={busy} onClick={() => setOpen(true)}>
        Dismiss…
      </button>
    );
  return (
    <form
      class="inline-form"
      onSubmit={(event) => {
        event.preventDefault();
        onDismiss(reason.trim());
      }}
    >
      <label for="dismiss-reason">Reason</label>
      <input id="dismiss-reason" required value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
      <button type="submit" disabled={busy || !reason.trim()}>
        Dismiss
      </button>
      <button type="button" class="link" onClick={() => setOpen(false)}>
        Cancel
      </button>
    </form>
  );
}

function TextAction({
  title,
  label,
  busy,
  onSubmit,
}: {
  title?: string;
  label: string;
  busy: boolean;
  onSubmit: (body: string) => void;
}) {
  const [text, setText] = useState('');
  const id = `text-${label.replaceAll(' ', '-').toLowerCase()}`;
  const form = (
    <form
      class="stack"
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit(text.trim());
        setText('');
      }}
    >
      <label for={id}>{title ?? label}</label>
      <textarea id={id} rows={3} value={text} onInput={(e) => setText(e.currentTarget.value)} />
      <button type="submit" disabled={busy || !text.trim()}>
        {label}
      </button>
    </form>
  );
  return title ? <div class="card">{form}</div> : form;
}
