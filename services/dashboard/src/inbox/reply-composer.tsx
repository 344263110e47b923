import { useState } from 'preact/hooks';
import { ApiError, api } from '../api';
import type { Session } from '../session';
import { ErrorNotice, useResource } from '../ui';
import { useDraft } from './cases';
import { TextPrompt } from './text-prompt';

interface Template {
  id: string;
  name: string;
  body: string;
}

export const REPLY_BOX_ID = 'reply-body';

/** What a failed send means for the person who wrote it: the text is still here, and what to do next. */
function sendFailure(error: ApiError, role: Session['role']): ApiError {
  if (error.status === 409 && /reply URL/i.test(error.title)) {
    return new ApiError(
      409,
      'Not sent: this channel has no way to reach the customer yet',
      role === 'admin'
        ? 'set a reply URL for the source under Channels; your text is kept here'
        : 'ask an admin to set a reply URL for this channel; your text is kept here',
    );
  }
  const detail = error.detail ? `${error.detail}; your text is kept here` : 'your text is kept here';
  return new ApiError(error.status, `Not sent: ${error.title}`, detail, error.errors);
}

/**
 * The reply box of a case: a draft that survives view changes and failed sends (cleared only when the API
 * accepted the reply), templates to start from, "Send" and "Send and resolve" (the case is resolved when
 * the reply reaches the customer). Ctrl+Enter sends; Ctrl+Shift+Enter sends and resolves.
 */
export function ReplyComposer({
  caseId,
  session,
  busy,
  onSend,
  commands,
}: {
  caseId: string;
  session: Session;
  busy: boolean;
  /** Resolves when the API accepted the reply; rejects with its problem otherwise. */
  onSend: (body: string, resolve: boolean) => Promise<unknown>;
  /** Filled in here, so the case page's "e" can reply and resolve with the draft instead of dropping it. */
  commands: { current: { hasDraft: () => boolean; send: (resolve: boolean) => void } | undefined };
}) {
  const [draft, setDraft, clearDraft] = useDraft(caseId);
  const [error, setError] = useState<ApiError>();
  const [sent, setSent] = useState<string>();
  const templates = useResource(
    () => api.get<{ templates: Template[] }>('/v1/reply-templates').then((answer) => answer.templates),
    [],
  );

  const send = (resolve: boolean) => {
    const body = draft.trim();
    if (!body || busy) return;
    setError(undefined);
    setSent(undefined);
    onSend(body, resolve).then(
      () => {
        clearDraft();
        setSent(
          resolve
            ? 'Reply sent; the case is resolved as soon as it reaches the customer.'
            : 'Reply sent; its delivery shows under Messages.',
        );
      },
      (failure: unknown) =>
        setError(
          sendFailure(
            failure instanceof ApiError ? failure : new ApiError(0, 'Unexpected error', String(failure)),
            session.role,
          ),
        ),
    );
  };

  commands.current = { hasDraft: () => draft.trim() !== '', send };

  const saveTemplate = (name: string) =>
    api
      .post<Template>('/v1/reply-templates', { name, body: draft.trim() })
      .then(templates.reload, (failure: ApiError) => {
        setError(failure);
        throw failure;
      });

  const list = templates.resource.state === 'ready' ? templates.resource.data : [];
  return (
    <div class="card composer">
      <h2 id="reply-heading">Reply to the customer</h2>
      {error && <ErrorNotice error={error} />}
      {sent && (
        <p class="notice success" role="status">
          {sent}
        </p>
      )}
      <form
        class="stack"
        aria-labelledby="reply-heading"
        onSubmit={(event) => {
          event.preventDefault();
          send(false);
        }}
      >
        {list.length > 0 && (
          <label>
            Start from a template{' '}
            <select
              value=""
              onChange={(event) => {
                const chosen = list.find((template) => template.id === event.currentTarget.value);
                if (chosen) setDraft(draft.trim() ? `${draft.trimEnd()}\n\n${chosen.body}` : chosen.body);
              }}
            >
              <option value="">choose…</option>
              {list.map((template) => (
                <option key={template.id} value={template.id}>
                  {template.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <label for={REPLY_BOX_ID}>Your reply</label>
        <textarea
          id={REPLY_BOX_ID}
          rows={5}
          value={draft}
          aria-describedby="reply-hint"
          onInput={(event) => setDraft(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
              event.preventDefault();
              send(event.shiftKey);
            } else if (event.key === 'Escape') {
              event.currentTarget.blur();
            }
          }}
        />
        <p id="reply-hint" class="muted small">
          Ctrl+Enter sends · Ctrl+Shift+Enter sends and resolves · Esc leaves the box (then e resolves with
          this reply). Your draft is kept until it is sent.
        </p>
        <div class="actions-row">
          <button type="button" disabled={busy || !draft.trim()} onClick={() => send(true)}>
            Send and resolve
          </button>
          <button type="submit" class="secondary" disabled={busy || !draft.trim()}>
            Send
          </button>
          <TextPrompt
            openLabel="Save as template…"
            openClass="link"
            fieldId="template-name"
            fieldLabel="Template name"
            submitLabel="Save template"
            disabled={!draft.trim()}
            onSubmit={saveTemplate}
          />
        </div>
      </form>
    </div>
  );
}
