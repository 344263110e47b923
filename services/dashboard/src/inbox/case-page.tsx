import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api } from '../api';
import { navigate } from '../router';
import type { Session } from '../session';
import { Empty, ErrorNotice, formatDateTime, Show, useResource } from '../ui';
import { AssignControl, SlaBadge } from './case-controls';
import {
  type CaseDetail,
  type CaseMessage,
  CLOSED,
  type Member,
  readable,
  statusLabel,
  useNow,
  useShortcuts,
} from './cases';
import { REPLY_BOX_ID, ReplyComposer } from './reply-composer';
import { ShortcutHelp } from './shortcut-help';
import { TextPrompt } from './text-prompt';

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
  ratings: { nps: number | null; csat: number | null; ces: number | null };
  occurredAt: string;
  analysis: {
    sentiment: { score: number | null; label: string | null };
    severity: string;
    urgency: number;
  } | null;
}

/** How often an open case with a reply on its way is re-read until the delivery settles. */
const PENDING_REFRESH_MS = 2_000;

/** What became of the case's replies, in words: a case is never shown as answered on a reply that failed. */
function ReplyOutcome({ detail }: { detail: CaseDetail }) {
  const replies = detail.messages.filter((message) => message.kind === 'reply');
  const resolving = replies.find(
    (message: CaseMessage) => message.resolvesCase && message.status === 'pending',
  );
  const failed = replies.find((message) => message.resolvesCase && message.status === 'dead');
  if (detail.status === 'resolved') {
    return detail.repliesDelivered > 0 ? (
      <p class="notice success">Resolved after a reply reached the customer.</p>
    ) : (
      <p class="notice" data-testid="resolved-without-reply">
        Resolved without any reply reaching the customer.
      </p>
    );
  }
  if (CLOSED.has(detail.status)) return null;
  if (resolving)
    return (
      <p class="notice" role="status">
        Reply on its way: the case is resolved as soon as it reaches the customer.
      </p>
    );
  if (failed)
    return (
      <p class="notice error" role="alert">
        The reply sent with “resolve” could not be delivered ({failed.lastError ?? 'no answer'}): the case
        stays open and the customer has not heard from us.
      </p>
    );
  return null;
}

function FeedbackCard({ item, heading, note }: { item: FeedbackItem; heading?: string; note?: string }) {
  const analysis = item.analysis;
  const ratings = Object.entries(item.ratings).filter(([, value]) => value !== null);
  return (
    <div class="feedback-card">
      {heading && <h2>{heading}</h2>}
      {note && <p class="muted small">{note}</p>}
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

function NoteForm({ busy, onAdd }: { busy: boolean; onAdd: (body: string) => Promise<unknown> }) {
  const [text, setText] = useState('');
  return (
    <form
      class="stack"
      onSubmit={(event) => {
        event.preventDefault();
        // The text goes only once the note is stored: a failed save keeps it.
        onAdd(text.trim()).then(
          () => setText(''),
          () => undefined,
        );
      }}
    >
      <label for="note-body">Add an internal note</label>
      <textarea id="note-body" rows={2} value={text} onInput={(e) => setText(e.currentTarget.value)} />
      <button type="submit" class="secondary" disabled={busy || !text.trim()}>
        Add note
      </button>
    </form>
  );
}

/** The 412 answer in a person's words: the page already shows the latest state. */
const changedMeanwhile = () =>
  new ApiError(
    412,
    'This case changed while you were looking at it',
    'the page now shows the latest state; check it and try again',
  );

export function CasePage({ caseId, session }: { caseId: string; session: Session }) {
  const now = useNow();
  const { resource, reload } = useResource(async () => {
    const detail = await api.get<CaseDetail>(`/v1/cases/${caseId}`);
    const [events, feedback, members] = await Promise.all([
      api.get<{ events: CaseEvent[] }>(`/v1/cases/${caseId}/events`),
      Promise.all(detail.feedback.map((link) => api.get<FeedbackItem>(`/v1/feedback/${link.feedbackId}`))),
      api.get<{ members: Member[] }>('/v1/members'),
    ]);
    return { detail, events: events.events, feedback, members: members.members };
  }, [caseId]);
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const [help, setHelp] = useState(false);
  const composer = useRef<{ hasDraft: () => boolean; send: (resolve: boolean) => void }>(undefined);
  const canAct = session.role === 'responder' || session.role === 'admin';
  const delivering =
    resource.state === 'ready' &&
    resource.data.detail.messages.some((message) => message.status === 'pending');
  useEffect(() => {
    // A reply on its way changes the case when it is delivered: follow it until it settles.
    if (!delivering) return;
    const timer = setTimeout(reload, PENDING_REFRESH_MS);
    return () => clearTimeout(timer);
  }, [delivering, resource]);

  /** Runs a change; on failure shows why (a 412 reloads first) and rejects, so the caller keeps its input. */
  const act = (run: () => Promise<unknown>): Promise<unknown> => {
    setBusy(true);
    setError(undefined);
    return run()
      .then(
        (result) => {
          reload();
          return result;
        },
        (failure: ApiError) => {
          if (failure.status === 412) {
            reload();
            throw changedMeanwhile();
          }
          throw failure;
        },
      )
      .finally(() => setBusy(false));
  };
  /** Shows a failed change; `keep` passes the failure on, so a form that asked keeps what was typed. */
  const show = (promise: Promise<unknown>, keep = false) =>
    promise.catch((failure: ApiError) => {
      setError(failure);
      if (keep) throw failure;
    });

  const detail = resource.state === 'ready' ? resource.data.detail : resource.data?.detail;
  const open = detail !== undefined && !CLOSED.has(detail.status);
  const transition = (status: string, reason?: string) =>
    detail &&
    show(
      act(() =>
        api.postIfMatch(`/v1/cases/${detail.id}/transitions`, detail.version, {
          status,
          ...(reason ? { reason } : {}),
        }),
      ),
      reason !== undefined,
    );
  const claim = () =>
    detail && canAct && show(act(() => api.postIfMatch(`/v1/cases/${detail.id}/claim`, detail.version, {})));
  useShortcuts({
    r: () => canAct && open && document.getElementById(REPLY_BOX_ID)?.focus(),
    e: () => {
      if (!canAct || !open || busy) return;
      if (composer.current?.hasDraft()) composer.current.send(true);
      else transition('resolved');
    },
    c: () => open && !detail?.assigneeId && claim(),
    u: () => navigate('/inbox'),
    '?': () => setHelp(!help),
  });

  return (
    <section aria-labelledby="case-title">
      <a href="#/inbox">← Inbox</a>
      {help && <ShortcutHelp onClose={() => setHelp(false)} />}
      <Show resource={resource} retry={reload} what="Loading the case">
        {({ detail, events, feedback, members }) => {
          const lead = feedback.find((item) => item.id === detail.leadFeedbackId) ?? feedback[0];
          const others = feedback.filter((item) => item !== lead);
          const holder = members.find((member) => member.id === detail.assigneeId);
          const raised = lead && lead.id !== detail.feedbackId;
          return (
            <div class="case-layout">
              <div class="card">
                <h1 id="case-title" tabIndex={-1}>
                  <span class={`badge severity-${detail.severity}`}>{detail.severity}</span> Case ·{' '}
                  <span data-testid="case-status">{statusLabel(detail.status)}</span>
                </h1>
                <p data-testid="case-holder">
                  {holder ? (
                    <>
                      Held by <strong>{holder.name}</strong>
                    </>
                  ) : (
                    'Nobody holds this case yet.'
                  )}
                </p>
                <p>
                  <SlaBadge item={detail} now={now} />
                </p>
                <p class="muted small">
                  {detail.channel} · customer {detail.customerRef ?? 'unknown'} · topics{' '}
                  {detail.topics.join(', ') || '—'} · flags {readable(detail.flags) || '—'}
                  {detail.dismissReason && ` · dismissed: ${detail.dismissReason}`}
                </p>
                <ReplyOutcome detail={detail} />
                {error && <ErrorNotice error={error} />}
                <div class="actions-row">
                  {canAct && !CLOSED.has(detail.status) && !holder && (
                    <button type="button" disabled={busy} onClick={claim}>
                      Claim
                    </button>
                  )}
                  {canAct && !CLOSED.has(detail.status) && (
                    <button
                      type="button"
                      class="secondary"
                      disabled={busy}
                      onClick={() => transition('resolved')}
                    >
                      Resolve
                    </button>
                  )}
                  {canAct && (detail.status === 'new' || detail.status === 'acknowledged') && (
                    <button
                      type="button"
                      class="secondary"
                      disabled={busy}
                      onClick={() => transition('in_progress')}
                    >
                      Start work
                    </button>
                  )}
                  {canAct && !CLOSED.has(detail.status) && (
                    <TextPrompt
                      openLabel="Dismiss…"
                      fieldId="dismiss-reason"
                      fieldLabel="Reason"
                      submitLabel="Dismiss"
                      busy={busy}
                      onSubmit={(reason) => transition('dismissed', reason)}
                    />
                  )}
                  {canAct && CLOSED.has(detail.status) && (
                    <button
                      type="button"
                      class="secondary"
                      disabled={busy}
                      onClick={() => transition('in_progress')}
                    >
                      Reopen
                    </button>
                  )}
                  {session.role !== 'assessor' && !CLOSED.has(detail.status) && (
                    <AssignControl
                      item={detail}
                      members={members}
                      onAssign={(assigneeId) =>
                        show(
                          act(() =>
                            api.postIfMatch(`/v1/cases/${detail.id}/assignment`, detail.version, {
                              assigneeId,
                            }),
                          ),
                        )
                      }
                    />
                  )}
                </div>
                <p class="muted small">
                  Press <kbd>?</kbd> for keyboard shortcuts.
                </p>
              </div>
              {lead && (
                <div class="card">
                  <FeedbackCard
                    item={lead}
                    heading="What the customer said"
                    note={raised ? `This message made the case ${detail.severity}.` : undefined}
                  />
                </div>
              )}
              {canAct && !CLOSED.has(detail.status) && (
                <ReplyComposer
                  caseId={detail.id}
                  session={session}
                  busy={busy}
                  commands={composer}
                  onSend={(body, resolve) =>
                    act(() =>
                      api.postIfMatch(`/v1/cases/${detail.id}/replies`, detail.version, { body, resolve }),
                    )
                  }
                />
              )}
              {others.length > 0 && (
                <div class="card">
                  <h2>Other messages on this case ({others.length})</h2>
                  {others.map((item) => (
                    <FeedbackCard
                      key={item.id}
                      item={item}
                      note={item.id === detail.feedbackId ? 'The message that opened the case.' : undefined}
                    />
                  ))}
                </div>
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
                  <NoteForm
                    busy={busy}
                    onAdd={(body) =>
                      show(
                        act(() => api.post(`/v1/cases/${detail.id}/notes`, { body })),
                        true,
                      )
                    }
                  />
                )}
              </div>
              {detail.messages.length > 0 && (
                <div class="card">
                  <h2>Messages</h2>
                  <ul class="plain messages">
                    {detail.messages.map((message) => (
                      <li key={message.id}>
                        {message.kind}
                        {message.resolvesCase && ' (resolves the case on delivery)'} · {message.status} ·{' '}
                        {message.attempts} {message.attempts === 1 ? 'attempt' : 'attempts'} ·{' '}
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
                        ` → ${statusLabel(event.toStatus)}`}
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
