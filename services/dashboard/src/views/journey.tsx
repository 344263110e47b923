import { useEffect, useState } from 'preact/hooks';
import { type ApiError, api } from '../api';
import type { Route } from '../router';
import type { Session } from '../session';
import { ErrorNotice, formatPercent, Show, useResource } from '../ui';

interface Touchpoint {
  key: string;
  name: string;
  ownerTeamId: string | null;
  eventValues: string[];
  sourceIds: string[];
}
interface TopicRule {
  topic: string;
  touchpointKey: string | null;
  ownerTeamId: string | null;
}
interface Journey {
  touchpoints: Touchpoint[];
  topics: TopicRule[];
  knownTopics: { id: string; label: string }[];
  coverage: {
    touchpointsDeclared: number;
    touchpointsCovered: string[];
    touchpointsOwned: number;
    topicsHeard: number;
    topicsOwned: number;
  };
}

/** Touchpoints of the journey with their owners and mapping rules, and topic owners; admins edit. */
export function JourneyView({ session }: { session: Session; route: Route }) {
  const { resource, reload, setData } = useResource(
    () =>
      Promise.all([
        api.get<Journey>('/v1/journey'),
        api.get<{ teams: { id: string; name: string }[] }>('/v1/teams'),
        session.role === 'admin'
          ? api.get<{ sources: { id: string; name: string }[] }>('/v1/sources')
          : Promise.resolve({ sources: [] }),
      ]).then(([journey, teams, sources]) => ({ journey, teams: teams.teams, sources: sources.sources })),
    [session.role],
  );
  return (
    <section aria-labelledby="journey-title" class="stack">
      <h1 id="journey-title">Journey and owners</h1>
      <Show resource={resource} retry={reload} what="Loading the journey">
        {(data) => (
          <JourneyEditor
            {...data}
            canEdit={session.role === 'admin'}
            onSaved={(journey) => setData({ ...data, journey })}
          />
        )}
      </Show>
    </section>
  );
}

function JourneyEditor({
  journey,
  teams,
  sources,
  canEdit,
  onSaved,
}: {
  journey: Journey;
  teams: { id: string; name: string }[];
  sources: { id: string; name: string }[];
  canEdit: boolean;
  onSaved: (journey: Journey) => void;
}) {
  const [touchpoints, setTouchpoints] = useState(journey.touchpoints);
  const [topics, setTopics] = useState(journey.topics);
  const [error, setError] = useState<ApiError>();
  const [saved, setSaved] = useState(false);
  useEffect(() => setSaved(false), [touchpoints, topics]);
  const { coverage } = journey;
  const edit = (index: number, change: Partial<Touchpoint>) =>
    setTouchpoints(
      touchpoints.map((touchpoint, i) => (i === index ? { ...touchpoint, ...change } : touchpoint)),
    );
  const topicRule = (topic: string) =>
    topics.find((rule) => rule.topic === topic) ?? { topic, touchpointKey: null, ownerTeamId: null };
  const editTopic = (topic: string, change: Partial<TopicRule>) =>
    setTopics([...topics.filter((rule) => rule.topic !== topic), { ...topicRule(topic), ...change }]);
  const teamSelect = (id: string, value: string | null, set: (value: string | null) => void) => (
    <select
      id={id}
      disabled={!canEdit}
      value={value ?? ''}
      onChange={(e) => set(e.currentTarget.value || null)}
    >
      <option value="">No owner</option>
      {teams.map((team) => (
        <option key={team.id} value={team.id}>
          {team.name}
        </option>
      ))}
    </select>
  );
  return (
    <form
      class="stack"
      onSubmit={(event) => {
        event.preventDefault();
        setError(undefined);
        api.put<Journey>('/v1/journey', { touchpoints, topics }).then((next) => {
          setSaved(true);
          onSaved(next);
        }, setError);
      }}
    >
      <p>
        Feedback reached {coverage.touchpointsCovered.length} of {coverage.touchpointsDeclared} touchpoints in
        the last 90 days; {coverage.touchpointsOwned} have an owning team; {coverage.topicsOwned} of{' '}
        {coverage.topicsHeard} topics customers raised have one (
        {formatPercent(coverage.topicsHeard ? coverage.topicsOwned / coverage.topicsHeard : null)}).
      </p>
      <div class="table-wrap">
        <table aria-label="Touchpoints">
          <thead>
            <tr>
              <th>Key</th>
              <th>Name</th>
              <th>Owner</th>
              <th>Event values</th>
              <th>Default for sources</th>
              <th>Feedback (90 days)</th>
            </tr>
          </thead>
          <tbody>
            {touchpoints.map((touchpoint, index) => (
              <tr key={index}>
                <td>
                  <input
                    aria-label="Key"
                    disabled={!canEdit}
                    value={touchpoint.key}
                    onInput={(e) => edit(index, { key: e.currentTarget.value })}
                  />
                </td>
                <td>
                  <input
                    aria-label="Name"
                    disabled={!canEdit}
                    value={touchpoint.name}
                    onInput={(e) => edit(index, { name: e.currentTarget.value })}
                  />
                </td>
                <td>
                  {teamSelect(`owner-${index}`, touchpoint.ownerTeamId, (ownerTeamId) =>
                    edit(index, { ownerTeamId }),
                  )}
                </td>
                <td>
                  <input
                    aria-label="Event values"
                    disabled={!canEdit}
                    value={touchpoint.eventValues.join(', ')}
                    onChange={(e) =>
                      edit(index, {
                        eventValues: e.currentTarget.value
                          .split(',')
                          .map((v) => v.trim())
                          .filter(Boolean),
                      })
                    }
                  />
                </td>
                <td>
                  {sources.map((source) => (
                    <label key={source.id} class="inline small">
                      <input
                        type="checkbox"
                        disabled={!canEdit}
                        checked={touchpoint.sourceIds.includes(source.id)}
                        onChange={(e) =>
                          edit(index, {
                            sourceIds: e.currentTarget.checked
                              ? [...touchpoint.sourceIds, source.id]
                              : touchpoint.sourceIds.filter((id) => id !== source.id),
                          })
                        }
                      />{' '}
                      {source.name}
                    </label>
                  ))}
                </td>
                <td>{coverage.touchpointsCovered.includes(touchpoint.key) ? 'yes' : 'none'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {canEdit && (
        <button
          type="button"
          class="secondary small"
          onClick={() =>
            setTouchpoints([
              ...touchpoints,
              { key: '', name: '', ownerTeamId: null, eventValues: [], sourceIds: [] },
            ])
          }
        >
          Add touchpoint
        </button>
      )}
      <h2>Topics</h2>
      <div class="table-wrap">
        <table aria-label="Topics">
          <thead>
            <tr>
              <th>Topic</th>
              <th>Touchpoint</th>
              <th>Owner</th>
            </tr>
          </thead>
          <tbody>
            {journey.knownTopics.map((topic) => (
              <tr key={topic.id}>
                <td>{topic.label}</td>
                <td>
                  <select
                    aria-label={`Touchpoint of ${topic.label}`}
                    disabled={!canEdit}
                    value={topicRule(topic.id).touchpointKey ?? ''}
                    onChange={(e) => editTopic(topic.id, { touchpointKey: e.currentTarget.value || null })}
                  >
                    <option value="">None</option>
                    {touchpoints.map((touchpoint) => (
                      <option key={touchpoint.key} value={touchpoint.key}>
                        {touchpoint.name || touchpoint.key}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  {teamSelect(`topic-owner-${topic.id}`, topicRule(topic.id).ownerTeamId, (ownerTeamId) =>
                    editTopic(topic.id, { ownerTeamId }),
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {error && <ErrorNotice error={error} />}
      {saved && <div class="notice success">Saved. Scores are recomputed with the new journey.</div>}
      {canEdit && <button type="submit">Save journey</button>}
    </form>
  );
}
