import { useEffect, useRef, useState } from 'preact/hooks';
import { type ApiError, api } from '../api';
import type { Route } from '../router';
import type { Session } from '../session';
import { Empty, ErrorNotice, Show, useResource } from '../ui';

interface Topic {
  id: string;
  label: string;
  seedTerms: string[];
  excludes: string[];
  parentId: string | null;
  status: 'active' | 'retired' | 'merged';
  mergedInto: string | null;
  builtIn: boolean;
  mentions90d: number;
  negative90d: number;
}
interface Reanalysis {
  taxonomyVersion: number;
  status: 'queued' | 'running' | 'done' | 'superseded';
  total: number;
  done: number;
  revised: number;
}
interface Taxonomy {
  version: number;
  topics: Topic[];
  reanalysis: Reanalysis | null;
}
interface Candidate {
  id: string;
  label: string;
  terms: string[];
  volume: number;
  weekly: number[];
  trend: number | null;
  examples: { feedbackId: string; text: string }[];
}

/** How often the view asks for re-analysis progress while history is being re-analysed. */
const PROGRESS_POLL_MS = 1_000;

const reanalysing = (taxonomy: Taxonomy) =>
  taxonomy.reanalysis?.status === 'queued' || taxonomy.reanalysis?.status === 'running';

/**
 * The organisation's topics: the taxonomy with each topic's mentions (90 days), the progress of re-analysing
 * history after a change, and topics discovered in feedback no topic covers, which admins turn into topics.
 */
export function TopicsView({ session }: { session: Session; route: Route }) {
  const canEdit = session.role === 'admin';
  const taxonomy = useResource(() => api.get<Taxonomy>('/v1/text/topics'), []);
  const candidates = useResource(
    () => api.get<{ candidates: Candidate[] }>('/v1/text/topic-candidates').then((body) => body.candidates),
    [],
  );
  const [error, setError] = useState<ApiError>();
  const current = taxonomy.resource.data;
  // While history is re-analysed, progress and mentions change: refresh until the run is over, then look for
  // candidates again (feedback the new topics now cover is no longer a candidate's).
  const wasReanalysing = useRef(false);
  useEffect(() => {
    if (current === undefined) return;
    if (!reanalysing(current)) {
      if (wasReanalysing.current) candidates.reload();
      wasReanalysing.current = false;
      return;
    }
    wasReanalysing.current = true;
    const timer = setTimeout(taxonomy.reload, PROGRESS_POLL_MS);
    return () => clearTimeout(timer);
  }, [current]);
  const change = (request: Promise<Taxonomy>) => {
    setError(undefined);
    request.then((next) => {
      wasReanalysing.current = reanalysing(next);
      taxonomy.setData(next);
      candidates.reload();
    }, setError);
  };

  return (
    <section aria-labelledby="topics-title" class="stack">
      <h1 id="topics-title">Topics</h1>
      {error && <ErrorNotice error={error} />}
      <Show resource={taxonomy.resource} retry={taxonomy.reload} what="Loading topics">
        {(data) => (
          <>
            <Progress taxonomy={data} />
            <TopicTable
              topics={data.topics}
              canEdit={canEdit}
              onRename={(id, label) => change(api.patch<Taxonomy>(`/v1/text/topics/${id}`, { label }))}
              onRetire={(id) => change(api.post<Taxonomy>(`/v1/text/topics/${id}/retire`))}
            />
            {canEdit && (
              <AddTopic
                onAdd={(topic) => change(api.post<Taxonomy>('/v1/text/topics', topic))}
                topics={data.topics}
              />
            )}
          </>
        )}
      </Show>
      <h2 id="candidates-title">Discovered in feedback no topic covers</h2>
      <Show resource={candidates.resource} retry={candidates.reload} what="Looking for new topics">
        {(list) =>
          list.length === 0 ? (
            <Empty>No recurring phrase outside your topics in the last eight weeks.</Empty>
          ) : (
            <ul class="stack" aria-labelledby="candidates-title">
              {list.map((candidate) => (
                <li key={candidate.id} class="card" aria-label={`Candidate ${candidate.label}`}>
                  <strong>{candidate.label}</strong> · {candidate.volume} feedback
                  {candidate.trend !== null && (
                    <span class="muted"> · last week {candidate.trend}× the weeks before</span>
                  )}
                  <p class="muted">Terms: {candidate.terms.join(', ')}</p>
                  <p class="muted">Weekly: {candidate.weekly.join(' · ')}</p>
                  <ul>
                    {candidate.examples.map((example) => (
                      <li key={example.feedbackId}>“{example.text}”</li>
                    ))}
                  </ul>
                  {canEdit && (
                    <button
                      type="button"
                      class="small"
                      onClick={() =>
                        change(api.post<Taxonomy>(`/v1/text/topic-candidates/${candidate.id}/promote`, {}))
                      }
                    >
                      Create topic “{candidate.label}”
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )
        }
      </Show>
    </section>
  );
}

function Progress({ taxonomy }: { taxonomy: Taxonomy }) {
  const run = taxonomy.reanalysis;
  if (run === null) return <p class="muted">Version {taxonomy.version}: the built-in topics, unchanged.</p>;
  return (
    <p role="status" aria-live="polite" data-reanalysis={run.status}>
      Version {taxonomy.version}.{' '}
      {run.status === 'done' &&
        `History re-analysed with version ${run.taxonomyVersion}: ${run.revised} of ${run.total} feedback changed topics.`}
      {run.status === 'queued' && 'Re-analysis of history is queued.'}
      {run.status === 'running' && (
        <>
          Re-analysing history: {run.done} of {run.total}{' '}
          <progress max={Math.max(run.total, 1)} value={run.done} aria-label="Re-analysis progress" />
        </>
      )}
      {run.status === 'superseded' && 'A newer change took over the re-analysis.'}
    </p>
  );
}

function TopicTable({
  topics,
  canEdit,
  onRename,
  onRetire,
}: {
  topics: Topic[];
  canEdit: boolean;
  onRename: (id: string, label: string) => void;
  onRetire: (id: string) => void;
}) {
  const [labels, setLabels] = useState<Record<string, string>>({});
  const active = topics.filter((topic) => topic.status === 'active');
  const gone = topics.filter((topic) => topic.status !== 'active');
  return (
    <div class="table-wrap">
      <table aria-label="Topics">
        <thead>
          <tr>
            <th>Topic</th>
            <th>Terms</th>
            <th>Mentions (90 days)</th>
            <th>Negative</th>
            {canEdit && <th>Change</th>}
          </tr>
        </thead>
        <tbody>
          {active.map((topic) => (
            <tr key={topic.id} data-topic={topic.id}>
              <td>
                {canEdit ? (
                  <input
                    aria-label={`Label of ${topic.id}`}
                    value={labels[topic.id] ?? topic.label}
                    onInput={(event) => setLabels({ ...labels, [topic.id]: event.currentTarget.value })}
                  />
                ) : (
                  topic.label
                )}
                <div class="muted small">
                  {topic.id}
                  {topic.builtIn && ' · built-in'}
                  {topic.parentId && ` · under ${topic.parentId}`}
                </div>
              </td>
              <td class="small">
                {topic.seedTerms.slice(0, 6).join(', ')}
                {topic.seedTerms.length > 6 && ' …'}
              </td>
              <td data-mentions>{topic.mentions90d}</td>
              <td>{topic.negative90d}</td>
              {canEdit && (
                <td>
                  <button
                    type="button"
                    class="secondary small"
                    disabled={(labels[topic.id] ?? topic.label) === topic.label}
                    onClick={() => onRename(topic.id, labels[topic.id]!)}
                  >
                    Rename
                  </button>{' '}
                  <button type="button" class="secondary small" onClick={() => onRetire(topic.id)}>
                    Retire
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {gone.length > 0 && (
        <p class="muted small">
          Retired or merged:{' '}
          {gone
            .map((topic) => (topic.mergedInto ? `${topic.label} → ${topic.mergedInto}` : topic.label))
            .join(', ')}
        </p>
      )}
    </div>
  );
}

function AddTopic({
  topics,
  onAdd,
}: {
  topics: Topic[];
  onAdd: (topic: { id: string; label: string; seedTerms: string[]; parentId: string | null }) => void;
}) {
  const [label, setLabel] = useState('');
  const [terms, setTerms] = useState('');
  const [parentId, setParentId] = useState('');
  const id = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return (
    <form
      class="inline"
      aria-label="Add a topic"
      onSubmit={(event) => {
        event.preventDefault();
        onAdd({
          id,
          label,
          seedTerms: terms
            .split(',')
            .map((term) => term.trim())
            .filter(Boolean),
          parentId: parentId || null,
        });
      }}
    >
      <input
        aria-label="New topic"
        placeholder="New topic"
        value={label}
        onInput={(e) => setLabel(e.currentTarget.value)}
      />
      <input
        aria-label="Seed terms"
        placeholder="seed terms, comma separated (up to 5 is plenty)"
        value={terms}
        onInput={(e) => setTerms(e.currentTarget.value)}
      />
      <select aria-label="Parent topic" value={parentId} onChange={(e) => setParentId(e.currentTarget.value)}>
        <option value="">No parent</option>
        {topics
          .filter((topic) => topic.status === 'active')
          .map((topic) => (
            <option key={topic.id} value={topic.id}>
              {topic.label}
            </option>
          ))}
      </select>
      <button type="submit">Add topic</button>
    </form>
  );
}
