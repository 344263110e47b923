import {
  type ActionMetric,
  type ActionStatus,
  actionMetrics,
  actionPriorities,
  actionStatuses,
} from '@cxloop/contracts/actions';
import { useState } from 'preact/hooks';
import {
  type ActionDetail,
  type ActionSummary,
  actionsApi,
  type EffectReport,
  formatMetricValue,
  type Interval,
  METRIC_LABELS,
  STATUS_LABELS,
  VERDICT_LABELS,
} from '../actions-api';
import { type ApiError, api } from '../api';
import { navigate, type Route } from '../router';
import type { Session } from '../session';
import { Empty, ErrorNotice, formatDateTime, Show, useResource } from '../ui';

const CHANNELS = ['survey', 'sms', 'email', 'chat', 'helpdesk', 'review', 'social', 'call', 'web', 'other'];

interface Choices {
  teams: { id: string; name: string }[];
  members: { id: string; name: string }[];
  units: { id: string; name: string }[];
  touchpoints: { key: string; name: string }[];
  topics: { id: string; label: string }[];
}

/** Teams, members, units, touchpoints and topics: what an action's owner and scope are chosen from. */
function loadChoices(): Promise<Choices> {
  return Promise.all([
    api.get<{ teams: Choices['teams'] }>('/v1/teams'),
    api.get<{ members: Choices['members'] }>('/v1/members'),
    api.get<{ units: Choices['units'] }>('/v1/units'),
    api.get<{ touchpoints: Choices['touchpoints']; knownTopics: Choices['topics'] }>('/v1/journey'),
  ]).then(([teams, members, units, journey]) => ({
    teams: teams.teams,
    members: members.members,
    units: units.units,
    touchpoints: journey.touchpoints,
    topics: journey.knownTopics,
  }));
}

/** Teams, then members, as owner choices: `team:<id>` or `member:<id>`. */
function OwnerOptions({ choices }: { choices: Choices }) {
  return (
    <>
      {choices.teams.map((t) => (
        <option key={t.id} value={`team:${t.id}`}>
          {t.name} (team)
        </option>
      ))}
      {choices.members.map((m) => (
        <option key={m.id} value={`member:${m.id}`}>
          {m.name}
        </option>
      ))}
    </>
  );
}

const canPlan = (session: Session) => session.role === 'admin' || session.role === 'manager';

/** Improvement actions: the board, a new action (from a rising issue, a ranked action, a driver), one action. */
export function ActionsView({ session, route }: { session: Session; route: Route }) {
  const id = route.parts[1];
  if (id === 'new') return <NewAction route={route} />;
  if (id) return <ActionPage id={id} session={session} />;
  return <ActionBoard session={session} route={route} />;
}

function ownerName(choices: Choices, owner: ActionSummary['owner']): string {
  if (owner.teamId) return choices.teams.find((t) => t.id === owner.teamId)?.name ?? 'a team';
  return choices.members.find((m) => m.id === owner.memberId)?.name ?? 'a member';
}

function ActionBoard({ session, route }: { session: Session; route: Route }) {
  const owner = route.query.get('owner') ?? '';
  const status = route.query.get('status') ?? '';
  const overdue = route.query.get('overdue') === 'true';
  const { resource, reload } = useResource(
    () =>
      Promise.all([
        actionsApi.list({
          status,
          overdue: overdue ? 'true' : undefined,
          ownerTeamId: owner.startsWith('team:') ? owner.slice(5) : undefined,
          ownerMemberId: owner.startsWith('member:') ? owner.slice(7) : undefined,
        }),
        loadChoices(),
      ]).then(([list, choices]) => ({ actions: list.actions, choices })),
    [owner, status, overdue],
  );
  const filter = (changes: Record<string, string | undefined>) =>
    navigate('/actions', {
      owner: owner || undefined,
      status: status || undefined,
      overdue: overdue ? 'true' : undefined,
      ...changes,
    });
  return (
    <section aria-labelledby="actions-title">
      <div class="toolbar">
        <h1 id="actions-title">Improvement actions</h1>
        {canPlan(session) && (
          <a class="button" href="#/actions/new">
            Plan an action
          </a>
        )}
      </div>
      <Show resource={resource} retry={reload} what="Loading actions">
        {({ actions, choices }) => (
          <>
            <div class="filters">
              <label>
                Owner{' '}
                <select value={owner} onChange={(e) => filter({ owner: e.currentTarget.value || undefined })}>
                  <option value="">anyone</option>
                  <OwnerOptions choices={choices} />
                </select>
              </label>
              <label>
                Status{' '}
                <select
                  value={status}
                  onChange={(e) => filter({ status: e.currentTarget.value || undefined })}
                >
                  <option value="">any</option>
                  {actionStatuses.map((s) => (
                    <option key={s} value={s}>
                      {STATUS_LABELS[s]}
                    </option>
                  ))}
                </select>
              </label>
              <label class="inline">
                <input
                  type="checkbox"
                  checked={overdue}
                  onChange={(e) => filter({ overdue: e.currentTarget.checked ? 'true' : undefined })}
                />{' '}
                Overdue only
              </label>
            </div>
            {actions.length === 0 ? (
              <Empty>No action matches. Plan one from a rising issue or a driver on the Trends view.</Empty>
            ) : (
              <div class="board">
                {actionStatuses
                  .filter((s) => !status || s === status)
                  .map((column) => (
                    <section class="board-column" key={column} aria-label={STATUS_LABELS[column]}>
                      <h2>{STATUS_LABELS[column]}</h2>
                      <ul class="plain">
                        {actions
                          .filter((action) => action.status === column)
                          .map((action) => (
                            <li key={action.id} class="card">
                              <a href={`#/actions/${action.id}`}>{action.title}</a>
                              <div class="muted small">
                                {ownerName(choices, action.owner)} · due {action.dueDate} · {action.priority}{' '}
                                priority
                                {action.overdue && <span class="badge severity-high"> overdue</span>}
                              </div>
                            </li>
                          ))}
                      </ul>
                    </section>
                  ))}
              </div>
            )}
          </>
        )}
      </Show>
    </section>
  );
}

const today = () => new Date().toISOString().slice(0, 10);
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** The plan form, prefilled from where the action came from (`?risingIssue=…&topic=…&unit=…`, `?ranked=…`, `?driver=…`). */
function NewAction({ route }: { route: Route }) {
  const { resource, reload } = useResource(loadChoices, []);
  const risingIssue = route.query.get('risingIssue');
  const ranked = route.query.get('ranked');
  const driver = route.query.get('driver');
  const origin = risingIssue
    ? { kind: 'rising_issue', risingIssueId: risingIssue }
    : ranked
      ? { kind: 'ranked_action', ref: ranked }
      : driver
        ? { kind: 'driver', topic: driver }
        : { kind: 'manual' };
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const submit = (form: HTMLFormElement) => {
    const field = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value;
    const optional = (name: string) => field(name) || null;
    const owner = field('owner');
    setBusy(true);
    setError(undefined);
    actionsApi
      .create({
        title: field('title'),
        description: field('description'),
        scope: {
          unitId: optional('unit'),
          channel: optional('channel'),
          touchpoint: optional('touchpoint'),
          topic: optional('topic'),
        },
        owner: owner.startsWith('team:') ? { teamId: owner.slice(5) } : { memberId: owner.slice(7) },
        metric: field('metric'),
        targetValue: Number(field('target')),
        startDate: field('start'),
        dueDate: field('due'),
        measureFrom: field('measureFrom'),
        priority: field('priority'),
        origin,
      })
      .then((created) => navigate(`/actions/${created.id}`), setError)
      .finally(() => setBusy(false));
  };
  const topic = route.query.get('topic') ?? driver ?? '';
  return (
    <section aria-labelledby="new-action-title" class="stack">
      <h1 id="new-action-title">Plan an action</h1>
      {origin.kind !== 'manual' && (
        <p class="muted">
          From {origin.kind.replace('_', ' ')} {topic && <strong>{topic}</strong>}{' '}
          {ranked && <strong>{ranked}</strong>}
        </p>
      )}
      <Show resource={resource} retry={reload} what="Loading owners and scopes">
        {(choices) => (
          <form
            class="stack-form card"
            onSubmit={(event) => {
              event.preventDefault();
              submit(event.currentTarget);
            }}
          >
            <label>
              Title <input name="title" required maxLength={200} />
            </label>
            <label>
              Description <textarea name="description" maxLength={5000} />
            </label>
            <fieldset>
              <legend>Scope (any combination)</legend>
              <label>
                Unit{' '}
                <select name="unit">
                  <option value="">any</option>
                  {choices.units.map((u) => (
                    <option key={u.id} value={u.id} selected={u.id === route.query.get('unit')}>
                      {u.name}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                Channel{' '}
                <select name="channel">
                  <option value="">any</option>
                  {CHANNELS.map((c) => (
                    <option key={c}>{c}</option>
                  ))}
                </select>
              </label>
              <label>
                Touchpoint{' '}
                <select name="touchpoint">
                  <option value="">any</option>
                  {choices.touchpoints.map((t) => (
                    <option key={t.key} value={t.key}>
                      {t.name}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                Topic{' '}
                <select name="topic">
                  <option value="">any</option>
                  {choices.topics.map((t) => (
                    <option key={t.id} value={t.id} selected={t.id === topic}>
                      {t.label}
                    </option>
                  ))}
                </select>
              </label>
            </fieldset>
            <label>
              Owner{' '}
              <select name="owner" required>
                <OwnerOptions choices={choices} />
              </select>
            </label>
            <label>
              Target metric{' '}
              <select name="metric">
                {actionMetrics.map((m) => (
                  <option key={m} value={m} selected={m === (topic ? 'topic_share' : 'nps')}>
                    {METRIC_LABELS[m]}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Target value <input name="target" type="number" step="any" required />
            </label>
            <label>
              Start <input name="start" type="date" required defaultValue={today()} />
            </label>
            <label>
              Due <input name="due" type="date" required defaultValue={inDays(30)} />
            </label>
            <label>
              Priority{' '}
              <select name="priority">
                {actionPriorities.map((p) => (
                  <option key={p} selected={p === (risingIssue ? 'high' : 'medium')}>
                    {p}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Measure the effect from{' '}
              <select name="measureFrom">
                <option value="start">the start date</option>
                <option value="done">the day it is done</option>
              </select>
            </label>
            {error && <ErrorNotice error={error} />}
            <button type="submit" disabled={busy}>
              Save as proposed
            </button>
          </form>
        )}
      </Show>
    </section>
  );
}

function ActionPage({ id, session }: { id: string; session: Session }) {
  const { resource, reload, setData } = useResource(() => actionsApi.get(id), [id]);
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const run = (work: Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    work.then(reload, setError).finally(() => setBusy(false));
  };
  return (
    <section aria-labelledby="action-title" class="stack">
      <Show resource={resource} retry={reload} what="Loading the action">
        {(action) => (
          <>
            <div class="toolbar">
              <h1 id="action-title">{action.title}</h1>
              <span class="badge" data-status={action.status}>
                {STATUS_LABELS[action.status]}
              </span>
            </div>
            <p>{action.description}</p>
            <p class="muted small">
              {METRIC_LABELS[action.metric]} towards {formatMetricValue(action.metric, action.targetValue)} ·
              from {action.startDate} to {action.dueDate} · {action.priority} priority
              {action.overdue && ' · overdue'}
            </p>
            {canPlan(session) && action.nextStatuses.length > 0 && (
              <div class="actions-row">
                {action.nextStatuses.map((next: ActionStatus) => (
                  <button
                    type="button"
                    key={next}
                    class={next === 'abandoned' ? 'secondary' : ''}
                    disabled={busy}
                    onClick={() => run(actionsApi.move(action.id, next).then((moved) => setData(moved)))}
                  >
                    {next === 'abandoned' ? 'Abandon' : `Move to ${STATUS_LABELS[next].toLowerCase()}`}
                  </button>
                ))}
              </div>
            )}
            {error && <ErrorNotice error={error} />}
            <EffectPanel metric={action.metric} report={action.effect} />
            <Comments action={action} canComment={canPlan(session)} busy={busy} run={run} />
            <div class="card">
              <h2>Audit trail</h2>
              <ol class="plain audit">
                {action.events.map((event) => (
                  <li key={`${event.at}-${event.event}-${event.toStatus}`}>
                    <span class="muted small">{formatDateTime(event.at)}</span>{' '}
                    {event.event.replace('_', ' ')}
                    {event.toStatus &&
                      ` → ${STATUS_LABELS[event.toStatus as ActionStatus] ?? event.toStatus}`}
                  </li>
                ))}
              </ol>
            </div>
          </>
        )}
      </Show>
    </section>
  );
}

function formatInterval(metric: ActionMetric, interval: Interval | null): string {
  if (!interval) return '—';
  const f = (value: number) => formatMetricValue(metric, value);
  return `${interval.estimate > 0 ? '+' : ''}${f(interval.estimate)} (95 % interval ${f(interval.low)} to ${f(interval.high)})`;
}

/** The measured effect: verdict, the two estimates with their intervals, and the pre-period trends. */
function EffectPanel({ metric, report }: { metric: ActionMetric; report: EffectReport }) {
  const { effect } = report;
  return (
    <section class="card" aria-labelledby="effect-title">
      <h2 id="effect-title">Effect {report.frozen && <span class="muted small">(final)</span>}</h2>
      {!effect || effect.status === 'measuring' ? (
        <p class="muted" data-verdict="measuring">
          Measuring: {report.pending ?? 'waiting for feedback'}.
        </p>
      ) : (
        <>
          <p>
            <strong data-verdict={effect.verdict}>{VERDICT_LABELS[effect.verdict!]}</strong>
            {effect.verdict === 'no_detectable_change' && effect.minimumDetectableEffect !== null && (
              <span class="muted">
                {' '}
                (a change of {formatMetricValue(metric, effect.minimumDetectableEffect)} or more would show at
                this sample)
              </span>
            )}
            {report.targetReached !== null && (
              <span class="muted"> · target {report.targetReached ? 'reached' : 'not reached'}</span>
            )}
          </p>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col" />
                  <th scope="col">
                    Before ({effect.before.from} – {effect.before.to})
                  </th>
                  <th scope="col">
                    After ({effect.after.from} – {effect.after.to})
                  </th>
                </tr>
              </thead>
              <tbody>
                <tr>
                  <th scope="row">In scope</th>
                  <td>
                    {formatMetricValue(metric, effect.before.scope.value)} (n ={' '}
                    {effect.before.scope.sampleSize})
                  </td>
                  <td>
                    {formatMetricValue(metric, effect.after.scope.value)} (n = {effect.after.scope.sampleSize}
                    )
                  </td>
                </tr>
                {effect.before.comparison && effect.after.comparison && (
                  <tr>
                    <th scope="row">
                      {report.comparisonKind === 'other_units' ? 'Other units' : 'Rest of the feedback'}
                    </th>
                    <td>{formatMetricValue(metric, effect.before.comparison.value)}</td>
                    <td>{formatMetricValue(metric, effect.after.comparison.value)}</td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
          <dl class="effect-estimates">
            <dt>Before vs after</dt>
            <dd>{formatInterval(metric, effect.naive)}</dd>
            <dt>Difference in differences</dt>
            <dd>{formatInterval(metric, effect.differenceInDifferences)}</dd>
            <dt>Pre-period trend gap (per week)</dt>
            <dd>{formatInterval(metric, effect.preTrends.slopeDifference)}</dd>
          </dl>
          <p class="muted small">
            Verdict from{' '}
            {effect.basis === 'difference_in_differences'
              ? 'the difference in differences'
              : 'before vs after'}
            . Weekly values before:{' '}
            {effect.preTrends.scope.weeks.map((w) => formatMetricValue(metric, w.value)).join(', ')}
            {effect.preTrends.comparison &&
              ` (comparison: ${effect.preTrends.comparison.weeks.map((w) => formatMetricValue(metric, w.value)).join(', ')})`}
            .
          </p>
        </>
      )}
    </section>
  );
}

function Comments({
  action,
  canComment,
  busy,
  run,
}: {
  action: ActionDetail;
  canComment: boolean;
  busy: boolean;
  run: (work: Promise<unknown>) => void;
}) {
  const [body, setBody] = useState('');
  return (
    <div class="card">
      <h2>Comments</h2>
      {action.comments.length === 0 ? (
        <Empty>No comment yet.</Empty>
      ) : (
        <ul class="plain">
          {action.comments.map((comment) => (
            <li key={comment.id}>
              <span class="muted small">{formatDateTime(comment.createdAt)}</span> {comment.body}
            </li>
          ))}
        </ul>
      )}
      {canComment && (
        <form
          class="inline-form"
          onSubmit={(event) => {
            event.preventDefault();
            run(actionsApi.comment(action.id, body).then(() => setBody('')));
          }}
        >
          <label>
            Comment{' '}
            <input value={body} onInput={(e) => setBody(e.currentTarget.value)} required maxLength={5000} />
          </label>
          <button type="submit" disabled={busy}>
            Add
          </button>
        </form>
      )}
    </div>
  );
}
