import { useState } from 'preact/hooks';
import { type ApiError, api } from '../api';
import { href, type Route } from '../router';
import type { Session } from '../session';
import { CopyButton, Empty, ErrorNotice, formatDateTime, Show, useResource } from '../ui';

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

interface QuestionResult {
  questionKey: string;
  kind: 'likert' | 'objective';
  answered: number;
  mean: number | null;
  distribution: number[];
  dontKnow: number;
  objective: { fully: number; partially: number; notYet: number };
}

interface Results {
  minGroupSize: number;
  respondents: number;
  /** Answers accepted but stored only with a batch of at least minGroupSize others. */
  awaitingBatch: number;
  overall: { respondents: number; questions: QuestionResult[] } | null;
}

interface Question {
  key: string;
  kind: 'likert' | 'objective';
  section: string;
  text: string;
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
    <SurveyDetail surveyId={surveyId} canEdit={session.role === 'admin'} />
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

function SurveyDetail({ surveyId, canEdit }: { surveyId: string; canEdit: boolean }) {
  const { resource, reload } = useResource(async () => {
    const [survey, list, results] = await Promise.all([
      api.get<Survey & { questions: Question[] }>(`/v1/surveys/${surveyId}`),
      api.get<{ surveys: Survey[] }>('/v1/surveys'),
      api.get<Results>(`/v1/surveys/${surveyId}/results`),
    ]);
    const counts = list.surveys.find((s) => s.id === surveyId);
    return { survey, counts, results };
  }, [surveyId]);
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
        {({ survey, counts, results }) => {
          const questions = new Map(survey.questions.map((q) => [q.key, q]));
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
                    {survey.status === 'open' && (
                      <button
                        type="button"
                        class="secondary"
                        onClick={() => act(() => api.post(`/v1/surveys/${surveyId}/close`))}
                      >
                        Close survey
                      </button>
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
              <div class="card">
                <h2>Results</h2>
                {results.overall === null ? (
                  <Empty>
                    {results.respondents + results.awaitingBatch} of at least {results.minGroupSize}{' '}
                    respondents so far. Results stay hidden until enough people have answered, so no one's
                    answers can be singled out.
                  </Empty>
                ) : (
                  <div class="table-wrap">
                    <table>
                      <thead>
                        <tr>
                          <th scope="col">Question</th>
                          <th scope="col">Answered</th>
                          <th scope="col">Result</th>
                        </tr>
                      </thead>
                      <tbody>
                        {results.overall.questions.map((q) => (
                          <tr key={q.questionKey}>
                            <td>{questions.get(q.questionKey)?.text ?? q.questionKey}</td>
                            <td>{q.answered}</td>
                            <td>
                              {q.kind === 'likert' ? (
                                <LikertBar result={q} />
                              ) : (
                                `fully ${q.objective.fully} · partially ${q.objective.partially} · not yet ${q.objective.notYet}`
                              )}
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                )}
              </div>
            </>
          );
        }}
      </Show>
    </section>
  );
}

/** A 1–5 answer distribution as a stacked bar, with the mean beside it. */
function LikertBar({ result }: { result: QuestionResult }) {
  const total = result.distribution.reduce((a, b) => a + b, 0) || 1;
  return (
    <span class="likert">
      <span class="stacked" aria-hidden="true">
        {result.distribution.map((n, index) => (
          <span key={index} class={`likert-${index + 1}`} style={{ width: `${(n / total) * 100}%` }} />
        ))}
      </span>{' '}
      mean {result.mean?.toFixed(2) ?? '—'}
    </span>
  );
}
