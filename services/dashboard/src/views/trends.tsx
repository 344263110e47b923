import { useMemo } from 'preact/hooks';
import { api } from '../api';
import { LineChart } from '../chart';
import { nameIn, type OrganisationNames, scopeName, useOrganisationNames } from '../names';
import { href, navigate, type Route } from '../router';
import { ENTERPRISE, formatMetric, metricName } from '../scores-api';
import type { Session } from '../session';
import { Empty, formatDateTime, Show, STAGE_NAMES, useResource } from '../ui';
import { ExperienceChart } from './experience-chart';

interface HistoryEntry {
  id: string;
  recordedAt: string;
  total: number;
  stage: string;
  elements: Record<string, number>;
}

interface MetricReading {
  metric: string;
  status: 'measured' | 'missing';
  value?: number;
  sampleSize?: number;
  reason?: string;
  window: { from: string; to: string };
}

interface RisingIssue {
  id: string;
  topic: string;
  windowStart: string;
  mentions: number;
  baselineWeeklyMean: number;
  acknowledgedAt: string | null;
}

interface Driver {
  topic: string;
  metric: string;
  sample: number;
  impact?: number;
  withTopic: number;
  withoutTopic: number;
}

interface ScopeSummary {
  scope: string;
  total: number;
  stage: string;
}

export function TrendsView({ session, route }: { session: Session; route: Route }) {
  const scope = route.query.get('scope') ?? ENTERPRISE;
  const org = session.orgId;
  const names = useOrganisationNames(org);
  const { resource, reload } = useResource(async () => {
    const [history, metrics, insights, scopes] = await Promise.all([
      api.get<{ entries: HistoryEntry[] }>(`/v1/orgs/${org}/scores/${encodeURIComponent(scope)}/history`),
      api.get<{ metrics: MetricReading[] }>(`/v1/orgs/${org}/metrics`, { scope }),
      api.get<{ insights: Record<string, unknown> }>(`/v1/orgs/${org}/insights`, { scope }),
      api.get<{ enterprise: ScopeSummary | null; units: ScopeSummary[] }>(`/v1/orgs/${org}/scores`),
    ]);
    const all = [...(scopes.enterprise ? [scopes.enterprise] : []), ...scopes.units];
    return { history: history.entries, metrics: metrics.metrics, insights: insights.insights, scopes: all };
  }, [org, scope]);

  return (
    <section aria-labelledby="trends-title">
      <h1 id="trends-title">Trends</h1>
      {resource.state === 'error' && resource.error.status === 404 ? (
        <Empty>No score history yet: trends appear once the first feedback has been scored.</Empty>
      ) : (
        <Show resource={resource} retry={reload} what="Loading trends">
          {(data) => (
            <Trends
              {...data}
              scope={scope}
              orgId={org}
              names={names}
              plans={session.role === 'admin' || session.role === 'manager'}
            />
          )}
        </Show>
      )}
    </section>
  );
}

/** The feedback behind a rising issue: its topic over the week the alert names, by the days customers gave it. */
function risingIssueFeedback(issue: RisingIssue): string {
  const from = new Date(`${issue.windowStart}T00:00:00.000Z`);
  return href('/feedback', {
    topic: issue.topic,
    from: from.toISOString(),
    to: new Date(from.getTime() + 7 * 86_400_000).toISOString(),
  });
}

function Trends({
  history,
  metrics,
  insights,
  scopes,
  scope,
  orgId,
  names,
  plans,
}: {
  orgId: string;
  names: OrganisationNames;
  /** Whether the person may plan actions (links from rising issues and drivers). */
  plans: boolean;
  history: HistoryEntry[];
  metrics: MetricReading[];
  insights: Record<string, unknown>;
  scopes: ScopeSummary[];
  scope: string;
}) {
  const ordered = useMemo(
    () => [...history].sort((a, b) => a.recordedAt.localeCompare(b.recordedAt)),
    [history],
  );
  const times = useMemo(() => ordered.map((entry) => new Date(entry.recordedAt).getTime() / 1000), [ordered]);
  const totals = useMemo(
    () => [{ label: 'Total', colour: '#2563eb', values: ordered.map((e) => e.total) }],
    [ordered],
  );
  const rising = (insights.risingIssues ?? []) as RisingIssue[];
  const drivers = (insights.drivers ?? []) as Driver[];
  const enterprise = scopes.find((s) => s.scope === ENTERPRISE);
  const pickDay = (time: number) => {
    const day = new Date(time * 1000);
    day.setHours(0, 0, 0, 0);
    const next = new Date(day.getTime() + 86_400_000);
    navigate('/feedback', { from: day.toISOString(), to: next.toISOString() });
  };

  return (
    <>
      {scopes.length > 1 && (
        <div class="card">
          <h2>Units against the enterprise</h2>
          {scopes.map((s) => (
            <div key={s.scope} class="bar-row">
              <a
                class="bar-label"
                href={href('/trends', { scope: s.scope === ENTERPRISE ? undefined : s.scope })}
              >
                {scopeName(names, s.scope)}
              </a>
              <span class="bar">
                <span class={`fill stage-${s.stage}`} style={{ width: `${s.total / 10}%` }} />
              </span>
              <span class="bar-value">
                {s.total.toFixed(0)}
                {enterprise &&
                  s !== enterprise &&
                  ` (${s.total >= enterprise.total ? '+' : '−'}${Math.abs(s.total - enterprise.total).toFixed(0)})`}{' '}
                · {STAGE_NAMES[s.stage]}
              </span>
            </div>
          ))}
        </div>
      )}
      <div class="card">
        <h2>Score over time</h2>
        {ordered.length < 2 ? (
          <Empty>
            One score so far (
            {ordered[0]
              ? `${ordered[0].total.toFixed(1)} on ${formatDateTime(ordered[0].recordedAt)}`
              : 'none'}
            ). The line grows as evidence arrives.
          </Empty>
        ) : (
          <LineChart times={times} series={totals} title="Total score over time" onPick={pickDay} />
        )}
        <p class="muted small">Click a point to see the feedback of that day.</p>
      </div>
      <ExperienceChart orgId={orgId} scope={scope} />
      <div class="grid-2">
        <div class="card">
          <h2>Rising issues</h2>
          {rising.length === 0 ? (
            <Empty>Nothing is rising above its usual level.</Empty>
          ) : (
            <ul class="plain">
              {rising.map((issue) => (
                <li key={issue.id}>
                  <a href={risingIssueFeedback(issue)}>{nameIn(names.topics, issue.topic)}</a>:{' '}
                  {issue.mentions} mentions in the week of {issue.windowStart} vs{' '}
                  {issue.baselineWeeklyMean.toFixed(1)} usually
                  {issue.acknowledgedAt && <span class="muted"> · acknowledged</span>}
                  {plans && (
                    <>
                      {' '}
                      <a
                        class="small"
                        href={href('/actions/new', {
                          risingIssue: issue.id,
                          topic: issue.topic,
                          unit: scope === ENTERPRISE ? undefined : scope,
                        })}
                      >
                        Plan an action
                      </a>
                    </>
                  )}
                </li>
              ))}
            </ul>
          )}
        </div>
        <div class="card">
          <h2>Topic drivers</h2>
          {drivers.length === 0 ? (
            <Empty>Not enough rated feedback to tell which topics move NPS or CSAT.</Empty>
          ) : (
            <ul class="plain">
              {drivers.map((driver) => (
                <li key={`${driver.topic}-${driver.metric}`}>
                  <a href={href('/feedback', { topic: driver.topic })}>
                    {nameIn(names.topics, driver.topic)}
                  </a>
                  : {driver.metric.toUpperCase()} {driver.withTopic.toFixed(1)} with vs{' '}
                  {driver.withoutTopic.toFixed(1)} without (n = {driver.sample})
                  {plans && (
                    <>
                      {' '}
                      <a class="small" href={href('/actions/new', { driver: driver.topic })}>
                        Plan an action
                      </a>
                    </>
                  )}
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
      <div class="card">
        <h2>Measurements ({scopeName(names, scope)})</h2>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Metric</th>
                <th scope="col">Value</th>
                <th scope="col">Sample</th>
                <th scope="col">Window</th>
              </tr>
            </thead>
            <tbody>
              {metrics.map((reading) => (
                <tr key={reading.metric} class={reading.status === 'missing' ? 'missing' : ''}>
                  <td>{metricName(reading.metric)}</td>
                  <td>
                    {reading.status === 'measured' && reading.value !== undefined ? (
                      formatMetric(reading.metric, reading.value)
                    ) : (
                      <em title={reading.reason}>missing</em>
                    )}
                  </td>
                  <td>{reading.sampleSize ?? '—'}</td>
                  <td class="small">
                    {reading.window.from.slice(0, 10)} – {reading.window.to.slice(0, 10)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </>
  );
}
