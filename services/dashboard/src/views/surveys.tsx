import { useEffect, useRef, useState } from 'preact/hooks';
import { type ApiError, api } from '../api';
import { href, type Route } from '../router';
import type { Session } from '../session';
import { CopyButton, Empty, ErrorNotice, formatDateTime, Show, useResource } from '../ui';
import { type Question, SurveyResults } from './survey-results';

interface Survey {
  id: string;
  name: string;
  wave: number;
  status: 'draft' | 'open' | 'closed';
  createdAt: string;
  questionCount: number;
  invitationCount: number;
  responseCount: number;
}

const DIMENSIONS = [
  ['D1', 'Define'],
  ['D2', 'Design'],
  ['D3', 'Develop'],
  ['D4', 'Deploy'],
  ['D5', 'Discover'],
  ['D6', 'Devise'],
] as const;

export function SurveysView({ session, route }: { session: Session; route: Route }) {
  const surveyId = route.parts[1];
  return surveyId ? (
    <SurveyDetail surveyId={surveyId} canEdit={session.role === 'admin'} route={route} />
  ) : (
    <SurveyList canEdit={session.role === 'admin'} />
  );
}

function SurveyList({ canEdit }: { canEdit: boolean }) {
  const { resource, reload } = useResource(() => api.get<{ surveys: Survey[] }>('/v1/surveys'), []);
  return (
    <section aria-labelledby="surveys-title">
      <h1 id="surveys-title">Staff surveys</h1>
      {canEdit && <CreateSurvey onCreated={reload} />}
      <Show resource={resource} retry={reload} what="Loading surveys">
        {({ surveys }) =>
          surveys.length === 0 ? (
            <Empty>No staff survey yet. Staff answers score the indicators no data can show.</Empty>
          ) : (
            <ul class="card-list">
              {surveys.map((survey) => (
                <li key={survey.id} class="card">
                  <a href={href(`/surveys/${survey.id}`)}>
                    <strong>{survey.name}</strong>
                  </a>{' '}
                  <span class="muted small">
                    wave {survey.wave} · {survey.status} · {survey.questionCount} questions ·{' '}
                    {survey.responseCount} of {survey.invitationCount} invited answered
                  </span>
                </li>
              ))}
            </ul>
          )
        }
      </Show>
    </section>
  );
}

function CreateSurvey({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState('');
  const [dimensions, setDimensions] = useState<string[]>(['D5', 'D6']);
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  return (
    <form
      class="card stack"
      onSubmit={(event) => {
        event.preventDefault();
        setBusy(true);
        setError(undefined);
        api
          .post('/v1/surveys', { name: name.trim(), template: { kind: 'framework', dimensions } })
          .then(() => {
            setName('');
            onCreated();
          }, setError)
          .finally(() => setBusy(false));
      }}
    >
      <h2>Create from the framework</h2>
      <label for="survey-name">Name</label>
      <input id="survey-name" required value={name} onInput={(e) => setName(e.currentTarget.value)} />
      <fieldset>
        <legend>Dimensions to ask about</legend>
        {DIMENSIONS.map(([id, label]) => (
          <label key={id} class="inline">
            <input
              type="checkbox"
              checked={dimensions.includes(id)}
              onChange={(e) =>
                setDimensions(
                  e.currentTarget.checked ? [...dimensions, id] : dimensions.filter((d) => d !== id),
                )
              }
            />{' '}
            {id} {label}
          </label>
        ))}
      </fieldset>
      {error && <ErrorNotice error={error} />}
      <button type="submit" disabled={busy || !name.trim() || dimensions.length === 0}>
        Create draft
      </button>
    </form>
  );
}

function SurveyDetail({ surveyId, canEdit, route }: { surveyId: string; canEdit: boolean; route: Route }) {
  const { resource, reload } = useResource(async () => {
    const [survey, list] = await Promise.all([
      api.get<Survey & { questions: Question[] }>(`/v1/surveys/${surveyId}`),
      api.get<{ surveys: Survey[] }>('/v1/surveys'),
    ]);
    const counts = list.surveys.find((s) => s.id === surveyId);
    return { survey, counts };
  }, [surveyId]);
  const [confirmingClose, setConfirmingClose] = useState(false);
  const [error, setError] = useState<ApiError>();
  const [links, setLinks] = useState<string[]>([]);
  const [count, setCount] = useState(10);
  const act = (run: () => Promise<unknown>) => {
    setError(undefined);
    run().then(reload, setError);
  };
  return (
    <section aria-labelledby="survey-title">
      <a href="#/surveys">← Staff surveys</a>
      <Show resource={resource} retry={reload} what="Loading the survey">
        {({ survey, counts }) => {
          return (
            <>
              <div class="card">
                <h1 id="survey-title">{survey.name}</h1>
                <p class="muted small">
                  wave {survey.wave} · {survey.status} · created {formatDateTime(survey.createdAt)} ·{' '}
                  {counts?.responseCount ?? 0} responses of {counts?.invitationCount ?? 0} invited
                </p>
                {error && <ErrorNotice error={error} />}
                {canEdit && (
                  <div class="actions-row">
                    {survey.status === 'draft' && (
                      <button
                        type="button"
                        onClick={() => act(() => api.post(`/v1/surveys/${surveyId}/open`))}
                      >
                        Open survey
                      </button>
                    )}
                    {survey.status === 'open' && !confirmingClose && (
                      <button type="button" class="secondary" onClick={() => setConfirmingClose(true)}>
                        Close survey…
                      </button>
                    )}
                    {survey.status === 'open' && confirmingClose && (
                      <ConfirmClose
                        name={survey.name}
                        onCancel={() => setConfirmingClose(false)}
                        onConfirm={() => {
                          setConfirmingClose(false);
                          act(() => api.post(`/v1/surveys/${surveyId}/close`));
                        }}
                      />
                    )}
                    {survey.status !== 'closed' && (
                      <form
                        class="inline-form"
                        onSubmit={(event) => {
                          event.preventDefault();
                          act(() =>
                            api
                              .post<{ invitations: { url: string }[] }>(
                                `/v1/surveys/${surveyId}/invitations`,
                                { count },
                              )
                              .then((answer) => setLinks(answer.invitations.map((i) => i.url))),
                          );
                        }}
                      >
                        <label for="invite-count">Invitation links</label>
                        <input
                          id="invite-count"
                          type="number"
                          min={1}
                          max={1000}
                          value={count}
                          onInput={(e) => setCount(Number(e.currentTarget.value))}
                        />
                        <button type="submit">Create links</button>
                      </form>
                    )}
                  </div>
                )}
                {links.length > 0 && (
                  <div class="notice success">
                    <p>
                      {links.length} single-use links, shown only now. Hand them out by your own email or
                      chat. <CopyButton text={links.join('\n')} label="Copy all" />
                    </p>
                    <textarea readOnly rows={4} value={links.join('\n')} aria-label="Invitation links" />
                  </div>
                )}
              </div>
              <SurveyResults surveyId={surveyId} questions={survey.questions} route={route} />
            </>
          );
        }}
      </Show>
    </section>
  );
}

/** Closing is final (unused links die, results freeze): asked once more, with focus on the safe choice. */
function ConfirmClose({
  name,
  onConfirm,
  onCancel,
}: {
  name: string;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const keepOpen = useRef<HTMLButtonElement>(null);
  useEffect(() => keepOpen.current?.focus(), []);
  return (
    <div class="notice" role="alertdialog" aria-labelledby="close-question">
      <p id="close-question">
        Close “{name}”? Every unused link stops working for good and the results become final. This cannot be
        undone.
      </p>
      <button type="button" onClick={onConfirm}>
        Close the survey
      </button>{' '}
      <button type="button" class="secondary" ref={keepOpen} onClick={onCancel}>
        Keep it open
      </button>
    </div>
  );
}
