import type { ComponentChildren } from 'preact';
import { api } from '../api';
import { navigate, type Route } from '../router';
import { Empty, formatSigned, Show, useResource } from '../ui';

export interface QuestionResult {
  questionKey: string;
  kind: 'likert' | 'objective';
  answered: number;
  mean: number | null;
  distribution: number[];
  dontKnow: number;
  objective: { fully: number; partially: number; notYet: number };
}

interface GroupResult {
  respondents: number;
  questions: QuestionResult[];
}

export interface Results {
  minGroupSize: number;
  respondents: number;
  /** Answers accepted but stored only with a batch of at least minGroupSize others. */
  awaitingBatch: number;
  overall: GroupResult | null;
  breakdown?: {
    by: Breakdown;
    groups: (GroupResult & { group: { key: string; name: string } | null })[];
    suppressedGroups: number;
  };
}

interface Wave {
  wave: number;
  respondents: number;
  shown: boolean;
}

interface Comparison {
  current: Wave;
  previous: Wave | null;
  questions: {
    questionKey: string;
    current: QuestionResult | null;
    previous: QuestionResult | null;
    change: number | null;
  }[];
}

export interface Question {
  key: string;
  kind: 'likert' | 'objective';
  section: string;
  text: string;
}

const DIMENSION_NAMES: Record<string, string> = {
  D1: 'Define',
  D2: 'Design',
  D3: 'Develop',
  D4: 'Deploy',
  D5: 'Discover',
  D6: 'Devise',
};

const AGREEMENT = ['Strongly disagree', 'Disagree', 'Neither', 'Agree', 'Strongly agree'];

type Breakdown = 'unit' | 'department' | 'role';
const VIEWS = {
  overall: 'All respondents',
  waves: 'Compared with the previous wave',
  unit: 'By unit',
  department: 'By department',
  role: 'By role',
} as const;
type ResultView = keyof typeof VIEWS;

/** The framework's dimension and element a question belongs to: `D5.2.1` and `objective:D5.2` → D5, D5.2. */
function placeOf(question: Question): { dimension: string; element: string } {
  const id = question.key.replace(/^objective:/, '');
  const match = /^(D\d)\.(\d+)/.exec(id);
  if (!match) return { dimension: 'other', element: question.section };
  return { dimension: match[1]!, element: question.section };
}

/** Questions grouped by dimension, then by element, in the survey's order. */
function grouped(questions: readonly Question[]): [string, [string, Question[]][]][] {
  const dimensions = new Map<string, Map<string, Question[]>>();
  for (const question of questions) {
    const { dimension, element } = placeOf(question);
    const elements = dimensions.get(dimension) ?? new Map<string, Question[]>();
    elements.set(element, [...(elements.get(element) ?? []), question]);
    dimensions.set(dimension, elements);
  }
  return [...dimensions].map(([dimension, elements]) => [dimension, [...elements]]);
}

/**
 * A survey's results, grouped by dimension and element: all respondents, this wave beside the previous one,
 * or one column per unit, department or role. Every figure comes from the API, which has already held back
 * groups too small to show (docs/surveys.md); this view says how many were held back.
 */
export function SurveyResults({
  surveyId,
  questions,
  route,
}: {
  surveyId: string;
  questions: readonly Question[];
  route: Route;
}) {
  const view = (route.query.get('results') ?? 'overall') as ResultView;
  const chosen: ResultView = view in VIEWS ? view : 'overall';
  return (
    <div class="card" data-testid="survey-results">
      <h2>Results</h2>
      <label>
        Show{' '}
        <select
          value={chosen}
          data-testid="results-view"
          onChange={(event) => navigate(`/surveys/${surveyId}`, { results: event.currentTarget.value })}
        >
          {Object.entries(VIEWS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <Legend />
      {chosen === 'waves' ? (
        <WaveComparison surveyId={surveyId} questions={questions} />
      ) : (
        <GroupResults
          surveyId={surveyId}
          questions={questions}
          by={chosen === 'overall' ? undefined : chosen}
        />
      )}
    </div>
  );
}

function Legend() {
  return (
    <p class="legend small" data-testid="results-legend">
      <span class="muted">Answers, left to right:</span>{' '}
      {AGREEMENT.map((label, index) => (
        <span key={label} class="legend-item">
          <span class={`swatch likert-${index + 1}`} aria-hidden="true" />
          {index + 1} {label}
        </span>
      ))}
      <span class="legend-item">· mean on 1–5; "don't know" answers are counted apart</span>
    </p>
  );
}

function GroupResults({
  surveyId,
  questions,
  by,
}: {
  surveyId: string;
  questions: readonly Question[];
  by?: Breakdown;
}) {
  const { resource, reload } = useResource(
    () => api.get<Results>(`/v1/surveys/${surveyId}/results`, { by }),
    [surveyId, by],
  );
  return (
    <Show resource={resource} retry={reload} what="Loading results">
      {(results) => {
        if (results.overall === null) return <TooFew results={results} />;
        const columns = by
          ? (results.breakdown?.groups ?? []).map((group) => ({
              name: group.group?.name ?? 'Not given',
              answers: new Map(group.questions.map((q) => [q.questionKey, q])),
            }))
          : [
              {
                name: 'All respondents',
                answers: new Map(results.overall.questions.map((q) => [q.questionKey, q])),
              },
            ];
        return (
          <>
            <p class="muted small">
              {results.respondents} respondents.
              {by &&
                ` ${columns.length} groups shown; ${results.breakdown?.suppressedGroups ?? 0} held back because ` +
                  `showing them would single out fewer than ${results.minGroupSize} people.`}
            </p>
            {by && columns.length === 0 ? (
              <Empty>No group is large enough to show on its own.</Empty>
            ) : (
              <Grouped questions={questions}>
                {(items) => (
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">Question</th>
                        {columns.map((column) => (
                          <th key={column.name} scope="col">
                            {column.name}
                          </th>
                        ))}
                      </tr>
                    </thead>
                    <tbody>
                      {items.map((question) => (
                        <tr key={question.key}>
                          <td>{question.text}</td>
                          {columns.map((column) => (
                            <td key={column.name}>
                              <Answer
                                result={column.answers.get(question.key)}
                                compact={columns.length > 1}
                              />
                            </td>
                          ))}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </Grouped>
            )}
          </>
        );
      }}
    </Show>
  );
}

function WaveComparison({ surveyId, questions }: { surveyId: string; questions: readonly Question[] }) {
  const { resource, reload } = useResource(
    () => api.get<Comparison>(`/v1/surveys/${surveyId}/comparison`),
    [surveyId],
  );
  return (
    <Show resource={resource} retry={reload} what="Loading the comparison">
      {(comparison) => {
        const { current, previous } = comparison;
        if (!previous)
          return <Empty>This is the first wave of its series: there is nothing to compare with.</Empty>;
        if (!current.shown || !previous.shown) {
          return (
            <Empty>
              Wave {current.shown ? previous.wave : current.wave} has too few respondents to show, so the
              waves cannot be compared.
            </Empty>
          );
        }
        const byKey = new Map(comparison.questions.map((question) => [question.questionKey, question]));
        return (
          <>
            <p class="muted small">
              Wave {previous.wave} ({previous.respondents} respondents) → wave {current.wave} (
              {current.respondents} respondents).
            </p>
            <Grouped questions={questions}>
              {(items) => (
                <table data-testid="wave-comparison">
                  <thead>
                    <tr>
                      <th scope="col">Question</th>
                      <th scope="col">Wave {previous.wave}</th>
                      <th scope="col">Wave {current.wave}</th>
                      <th scope="col">Change</th>
                    </tr>
                  </thead>
                  <tbody>
                    {items.map((question) => {
                      const row = byKey.get(question.key);
                      return (
                        <tr key={question.key}>
                          <td>{question.text}</td>
                          <td>
                            <Answer result={row?.previous ?? undefined} compact />
                          </td>
                          <td>
                            <Answer result={row?.current ?? undefined} compact />
                          </td>
                          <td>{row?.change == null ? '—' : formatChange(row.change)}</td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              )}
            </Grouped>
          </>
        );
      }}
    </Show>
  );
}

/** A change of mean in words as well as sign, so direction does not rest on colour or a glyph. */
function formatChange(change: number): string {
  if (Math.abs(change) < 0.005) return 'no change';
  return `${formatSigned(Number(change.toFixed(2)))} (${change > 0 ? 'up' : 'down'})`;
}

function TooFew({ results }: { results: Results }) {
  return (
    <Empty>
      {results.respondents + results.awaitingBatch} of at least {results.minGroupSize} respondents so far.
      Results stay hidden until enough people have answered, so no one's answers can be singled out.
    </Empty>
  );
}

/** Questions as collapsible dimensions, each with its elements, each element's questions in one table. */
function Grouped({
  questions,
  children,
}: {
  questions: readonly Question[];
  children: (items: Question[]) => ComponentChildren;
}) {
  return (
    <>
      {grouped(questions).map(([dimension, elements]) => (
        <details key={dimension} class="result-group" open>
          <summary>
            <h3 class="inline-heading">
              {dimension === 'other' ? 'Other questions' : `${dimension} ${DIMENSION_NAMES[dimension] ?? ''}`}
            </h3>{' '}
            <span class="muted small">
              {elements.reduce((n, [, items]) => n + items.length, 0)} questions
            </span>
          </summary>
          {elements.map(([element, items]) => (
            <section key={element} class="result-element">
              <h4>{element}</h4>
              <div class="table-wrap">{children(items)}</div>
            </section>
          ))}
        </details>
      ))}
    </>
  );
}

function Answer({ result, compact = false }: { result?: QuestionResult; compact?: boolean }) {
  if (!result || result.answered === 0) return <span class="muted">no answers</span>;
  if (result.kind === 'objective') {
    const { fully, partially, notYet } = result.objective;
    return (
      <span>
        fully {fully} · partially {partially} · not yet {notYet}
      </span>
    );
  }
  return <LikertBar result={result} compact={compact} />;
}

/** A 1–5 answer distribution as a stacked bar (its legend is above), with the mean and counts in words. */
function LikertBar({ result, compact }: { result: QuestionResult; compact: boolean }) {
  const total = result.distribution.reduce((a, b) => a + b, 0) || 1;
  return (
    <span class="likert">
      {!compact && (
        <span class="stacked" aria-hidden="true">
          {result.distribution.map((n, index) => (
            <span key={index} class={`likert-${index + 1}`} style={{ width: `${(n / total) * 100}%` }} />
          ))}
        </span>
      )}{' '}
      mean {result.mean?.toFixed(2) ?? '—'}{' '}
      <span class="muted small">
        (n = {result.answered}
        {result.dontKnow > 0 && `, ${result.dontKnow} don't know`})
      </span>
    </span>
  );
}
