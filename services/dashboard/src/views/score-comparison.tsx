import { useMemo } from 'preact/hooks';
import { api } from '../api';
import { href, navigate, type Route } from '../router';
import { ENTERPRISE } from '../scores-api';
import { Empty, formatDateTime, formatPoints, formatSigned, Show, STAGE_NAMES, useResource } from '../ui';

interface Boundary {
  at: string;
  recordedAt: string | null;
  total: number | null;
  stage: string | null;
}

interface ElementMovement {
  elementId: string;
  name: string;
  before: number;
  after: number;
  delta: number;
}

interface Comparison {
  from: Boundary;
  to: Boundary;
  changes: number;
  diff: { elements: ElementMovement[] } | null;
}

const DAY_MS = 86_400_000;
/** The periods a manager compares against most; "custom" takes two dates. */
const PERIODS = { week: 7, month: 30, quarter: 90 } as const;
type Period = keyof typeof PERIODS | 'custom';
const PERIOD_NAMES: Record<Period, string> = {
  week: 'last week',
  month: 'last month',
  quarter: 'last quarter',
  custom: 'two dates',
};
const SHOWN_MOVEMENTS = 5;

/** Midnight starting a `YYYY-MM-DD` day in the person's own time zone. */
const localDay = (day: string) => new Date(`${day}T00:00`);

/** The span a period names: ends now (or at the custom end day's close), starts n days before. */
function spanOf(period: Period, from: string | null, to: string | null): { from?: string; to?: string } {
  if (period !== 'custom') return { from: new Date(Date.now() - PERIODS[period] * DAY_MS).toISOString() };
  return {
    from: from ? localDay(from).toISOString() : undefined,
    to: to ? new Date(localDay(to).getTime() + DAY_MS).toISOString() : undefined,
  };
}

/**
 * "Since last week / month": the score then against now (or between two chosen dates), and the elements that
 * moved most, read from the recorded history (GET …/scores/:scope/changes).
 */
export function ScoreComparison({ orgId, scope, route }: { orgId: string; scope: string; route: Route }) {
  const asked = route.query.get('compare') ?? 'week';
  const period: Period = asked in PERIOD_NAMES ? (asked as Period) : 'week';
  const customFrom = route.query.get('compareFrom');
  const customTo = route.query.get('compareTo');
  // Fixed when the choice is made: "a week ago" computed at every render would ask the API again each time.
  const span = useMemo(() => spanOf(period, customFrom, customTo), [period, customFrom, customTo]);
  const { resource, reload } = useResource(
    () =>
      api.get<Comparison>(`/v1/orgs/${orgId}/scores/${encodeURIComponent(scope)}/changes`, {
        from: span.from,
        to: span.to,
      }),
    [orgId, scope, span.from, span.to],
  );
  const change = (next: Record<string, string | undefined>) =>
    navigate(`/${route.parts.join('/')}`, { ...Object.fromEntries(route.query), ...next });

  return (
    <section class="card" aria-labelledby="comparison-title" data-testid="score-comparison">
      <h2 id="comparison-title">
        {period === 'custom' ? 'Change between two dates' : `Change since ${PERIOD_NAMES[period]}`}
      </h2>
      <div class="filters">
        <label>
          Compare with{' '}
          <select
            value={period}
            onChange={(event) => change({ compare: event.currentTarget.value })}
            data-testid="compare-period"
          >
            {Object.entries(PERIOD_NAMES).map(([value, name]) => (
              <option key={value} value={value}>
                {name}
              </option>
            ))}
          </select>
        </label>
        {period === 'custom' && (
          <form
            class="inline"
            onSubmit={(event) => {
              event.preventDefault();
              const data = new FormData(event.currentTarget);
              change({
                compareFrom: String(data.get('compareFrom') ?? '') || undefined,
                compareTo: String(data.get('compareTo') ?? '') || undefined,
              });
            }}
          >
            <label>
              From{' '}
              <input type="date" name="compareFrom" defaultValue={route.query.get('compareFrom') ?? ''} />
            </label>{' '}
            <label>
              To <input type="date" name="compareTo" defaultValue={route.query.get('compareTo') ?? ''} />
            </label>{' '}
            <button type="submit" class="secondary small">
              Compare
            </button>
          </form>
        )}
      </div>
      <Show resource={resource} retry={reload} what="Comparing">
        {(comparison) => <ComparisonResult comparison={comparison} scope={scope} />}
      </Show>
    </section>
  );
}

function ComparisonResult({ comparison, scope }: { comparison: Comparison; scope: string }) {
  const { from, to } = comparison;
  if (to.total === null) return <Empty>No score at the end of this period.</Empty>;
  if (from.total === null || from.stage === null) {
    return (
      <Empty>
        No score yet on {formatDateTime(from.at)}: the first score was recorded later, so there is nothing to
        compare with.
      </Empty>
    );
  }
  const movements = (comparison.diff?.elements ?? [])
    .filter((movement) => Math.abs(movement.delta) >= 0.05)
    .slice(0, SHOWN_MOVEMENTS);
  return (
    <>
      <p data-testid="comparison-total">
        <strong>{formatSigned(to.total - from.total)} points</strong>: {formatPoints(from.total)} on{' '}
        {formatDateTime(from.at)} → {formatPoints(to.total)}
        {to.stage && to.stage !== from.stage
          ? `; stage ${STAGE_NAMES[from.stage]} → ${STAGE_NAMES[to.stage]}`
          : `; stage ${STAGE_NAMES[from.stage]} throughout`}
        . <span class="muted small">{comparison.changes} recorded changes in between.</span>
      </p>
      {movements.length > 0 && (
        <ul class="plain">
          {movements.map((movement) => (
            <li key={movement.elementId}>
              <a
                href={href(`/scores/${movement.elementId}`, {
                  scope: scope === ENTERPRISE ? undefined : scope,
                })}
              >
                {movement.elementId} {movement.name}
              </a>{' '}
              {formatSigned(movement.delta)} ({formatPoints(movement.before)} → {formatPoints(movement.after)}
              )
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
