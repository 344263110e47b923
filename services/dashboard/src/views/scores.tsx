import { rankImprovementActions } from '@cxloop/scoring';
import { useState } from 'preact/hooks';
import { type StreamStatus, useScoreStream } from '../live';
import { type OrganisationNames, scopeName, useOrganisationNames } from '../names';
import { href, navigate, type Route } from '../router';
import {
  type CurrentScore,
  type ElementScore,
  ENTERPRISE,
  explainVisibleChanges,
  fetchCurrentScore,
  formatMetric,
  isAutomatic,
  metricName,
  patchCurrentScore,
  pointsToStage,
  type ScoreChangeEvent,
} from '../scores-api';
import type { Session } from '../session';
import {
  Empty,
  formatDateTime,
  formatPercent,
  formatPoints,
  Show,
  STAGE_NAMES,
  STAGE_ORDER,
  StageBadge,
  useResource,
} from '../ui';
import { ScoreComparison } from './score-comparison';
import { ConfidenceNote, StageLadder } from './stage-ladder';

interface FeedEntry {
  id: string;
  at: string;
  scope: string;
  total: ScoreChangeEvent['total'];
  lines: string[];
}

const FEED_LENGTH = 20;

const STREAM_STATUS_TEXT: Record<StreamStatus, string> = {
  connecting: 'Connecting to live updates…',
  live: 'Live: changes appear here as evidence is scored.',
  reconnecting: 'Connection lost; reconnecting (no change will be missed)…',
};

const OBJECTIVE_LEVELS: Record<string, string> = {
  fully: 'Fully',
  partially: 'Partially',
  not_yet: 'Not yet',
};

export function ScoresView({ session, route }: { session: Session; route: Route }) {
  const scope = route.query.get('scope') ?? ENTERPRISE;
  const target = route.query.get('target') ?? undefined;
  const { resource, reload, setData } = useResource(
    () => fetchCurrentScore(session.orgId, scope),
    [session.orgId, scope],
  );
  const [feed, setFeed] = useState<FeedEntry[]>([]);
  const [changed, setChanged] = useState<ReadonlySet<string>>(new Set());
  const names = useOrganisationNames(session.orgId);

  const status = useScoreStream(session.orgId, (event) => {
    const lines = explainVisibleChanges(event);
    // A recompute whose every move rounds away tells the person nothing: no "+0.0" entries.
    if (lines.length > 0) {
      setFeed((entries) =>
        [
          { id: event.historyId, at: event.recordedAt, scope: event.scope, total: event.total, lines },
          ...entries.filter((entry) => entry.id !== event.historyId),
        ].slice(0, FEED_LENGTH),
      );
    }
    if (event.scope === scope) {
      setChanged(new Set(event.elements.map((element) => element.elementId)));
      // Apply what changed; load the whole score only when the change does not start from the one shown.
      const patched = resource.data && patchCurrentScore(resource.data, event);
      if (patched) setData(patched);
      else reload();
    }
  });

  const elementId = route.parts[1];
  const picker = <UnitPicker names={names} scope={scope} elementId={elementId} />;
  if (resource.state === 'error' && resource.error.status === 404) {
    return (
      <>
        {picker}
        <Empty>
          No score yet for {scopeName(names, scope)}. The first score appears here as soon as feedback or
          staff survey answers are scored{status === 'live' ? ' — this page updates by itself.' : '.'}
        </Empty>
      </>
    );
  }
  return (
    <Show resource={resource} retry={reload} what="Loading scores">
      {(current) =>
        elementId ? (
          <>
            {picker}
            <ElementDetail current={current} elementId={elementId} scope={scope} names={names} />
          </>
        ) : (
          <div class="scores-layout">
            <section class="scores-main" aria-labelledby="scores-title">
              {picker}
              <Overview current={current} target={target} scope={scope} />
              <ScoreComparison orgId={session.orgId} scope={scope} route={route} />
              <StageLadder total={current.score.total} max={current.score.max} stage={current.score.stage} />
              <ElementGrid current={current} changed={changed} scope={scope} />
              <Actions current={current} />
            </section>
            <aside class="card feed" aria-labelledby="feed-title">
              <h2 id="feed-title">
                What changed and why <span class={`live-dot ${status}`} aria-hidden="true" />
              </h2>
              <p class="muted small" role="status">
                {STREAM_STATUS_TEXT[status]}
              </p>
              {feed.length === 0 ? (
                <Empty>
                  No changes since you opened this page. New evidence shows up here as it is scored.
                </Empty>
              ) : (
                <ol class="feed-list" aria-live="polite">
                  {feed.map((entry) => (
                    <li key={entry.id}>
                      <div class="muted small">
                        {formatDateTime(entry.at)} · {scopeName(names, entry.scope)} · total{' '}
                        {entry.total.before === null ? '—' : formatPoints(entry.total.before)} →{' '}
                        {formatPoints(entry.total.after)}
                      </div>
                      <ul>
                        {entry.lines.map((line) => (
                          <li key={line}>{line}</li>
                        ))}
                      </ul>
                    </li>
                  ))}
                </ol>
              )}
            </aside>
          </div>
        )
      }
    </Show>
  );
}

/** Which score the page shows: the enterprise or one unit, by name. */
function UnitPicker({
  names,
  scope,
  elementId,
}: {
  names: OrganisationNames;
  scope: string;
  elementId?: string;
}) {
  return (
    <label class="unit-picker">
      Showing{' '}
      <select
        value={scope}
        data-testid="unit-picker"
        onChange={(event) => {
          const next = event.currentTarget.value;
          navigate(elementId ? `/scores/${elementId}` : '/scores', {
            scope: next === ENTERPRISE ? undefined : next,
          });
        }}
      >
        <option value={ENTERPRISE}>Enterprise (all units)</option>
        {names.units.map((unit) => (
          <option key={unit.id} value={unit.id}>
            {unit.name}
          </option>
        ))}
        {scope !== ENTERPRISE && !names.units.some((unit) => unit.id === scope) && (
          <option value={scope}>{scopeName(names, scope)}</option>
        )}
      </select>
    </label>
  );
}

function Overview({ current, target, scope }: { current: CurrentScore; target?: string; scope: string }) {
  const score = current.score;
  return (
    <div class="card overview">
      <div class="total">
        <h1 id="scores-title">
          <span class="points" data-testid="total">
            {formatPoints(score.total)}
          </span>
          <span class="muted"> / {score.max}</span>
        </h1>
        <div>
          <StageBadge stage={score.stage} /> <ConfidenceNote confidence={score.confidence} />
        </div>
        <p class="muted small">
          {score.coverage.measured} of {score.coverage.indicators} indicators have evidence · computed{' '}
          {formatDateTime(current.computedAt)}
        </p>
        <label class="inline">
          Target stage{' '}
          <select
            value={target ?? ''}
            onChange={(event) =>
              navigate('/scores', {
                scope: scope === ENTERPRISE ? undefined : scope,
                target: event.currentTarget.value,
              })
            }
          >
            <option value="">none</option>
            {STAGE_ORDER.map((stage) => (
              <option key={stage} value={stage}>
                {STAGE_NAMES[stage]}
              </option>
            ))}
          </select>
        </label>
        {target && <TargetGap score={score} target={target} />}
      </div>
      <div class="dimensions">
        {(['alignment', 'performance'] as const).map((group) => (
          <div key={group} class="group">
            <h2 class="small">
              {group === 'alignment' ? 'Alignment' : 'Performance'} ·{' '}
              {formatPoints(score.groups[group].points)} / {score.groups[group].max}
            </h2>
            {score.dimensions
              .filter((dimension) => dimension.group === group)
              .map((dimension) => (
                <div key={dimension.id} class="bar-row">
                  <span class="bar-label">{dimension.name}</span>
                  <span class="bar" aria-hidden="true">
                    <span
                      class={`fill stage-${dimension.stage}`}
                      style={{ width: `${Math.max(1, dimension.attainment * 100)}%` }}
                    />
                  </span>
                  <span class="bar-value">
                    {formatPoints(dimension.points)} / {dimension.max} · {STAGE_NAMES[dimension.stage]}
                  </span>
                </div>
              ))}
          </div>
        ))}
      </div>
    </div>
  );
}

function TargetGap({ score, target }: { score: CurrentScore['score']; target: string }) {
  const needed = pointsToStage(score, target);
  if (needed === undefined) return null;
  return (
    <p class="small" data-testid="target-gap">
      {needed === 0
        ? `${STAGE_NAMES[target]} reached.`
        : `${formatPoints(needed)} points to ${STAGE_NAMES[target]} (current: ${STAGE_NAMES[score.stage]}).`}
    </p>
  );
}

function ElementGrid({
  current,
  changed,
  scope,
}: {
  current: CurrentScore;
  changed: ReadonlySet<string>;
  scope: string;
}) {
  return (
    <div class="card">
      <h2>All 32 elements</h2>
      <p class="muted small">
        Each tile names its stage; the colours follow the stage ladder above.{' '}
        <span class="auto-mark">auto</span> Discover and Devise are measured automatically from feedback and
        response data; the rest from staff surveys and assessors.
      </p>
      {current.score.dimensions.map((dimension) => (
        <div key={dimension.id}>
          <h3 class="small">{dimension.name}</h3>
          <div class="element-grid">
            {dimension.elements.map((element) => (
              <a
                key={element.id}
                class={`element stage-${element.stage} ${changed.has(element.id) ? 'changed' : ''}`}
                href={href(`/scores/${element.id}`, { scope: scope === ENTERPRISE ? undefined : scope })}
                data-element={element.id}
              >
                <span class="element-id">
                  {element.id} {isAutomatic(element.id) && <span class="auto-mark">auto</span>}
                </span>
                <span class="element-name">{element.name}</span>
                <span class="element-points" data-testid="element-points">
                  {formatPoints(element.points)} / {element.max}
                </span>
                <span class="element-stage small">{STAGE_NAMES[element.stage]}</span>
              </a>
            ))}
          </div>
        </div>
      ))}
    </div>
  );
}

function Actions({ current }: { current: CurrentScore }) {
  const actions = current.score.actions;
  return (
    <div class="card">
      <h2>What to do next</h2>
      {actions.length === 0 ? (
        <Empty>Every indicator is at full attainment.</Empty>
      ) : (
        <ol class="actions">
          {actions.map((action) => (
            <li key={action.indicatorId}>
              <strong>+{formatPoints(action.pointsAvailable)} pts</strong>{' '}
              <a href={href(`/scores/${action.elementId}`)}>{action.elementId}</a> {action.statement}{' '}
              <ActionHow action={action} />
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

/** What an action takes: evidence to start gathering, or practice to improve, and where it shows. */
function ActionHow({ action }: { action: CurrentScore['score']['actions'][number] }) {
  if (action.kind === 'rate_objective') {
    return (
      <span class="muted small">(rate the objective: an assessor judges Fully, Partially or Not yet)</span>
    );
  }
  return (
    <span class="muted small">
      ({action.kind === 'gather_evidence' ? 'gather evidence' : 'improve practice'}:{' '}
      {action.evidence
        .map((source) => (source === 'staff_survey' ? 'staff survey' : metricName(source)))
        .join(', ')}
      )
    </span>
  );
}

function ElementDetail({
  current,
  elementId,
  scope,
  names,
}: {
  current: CurrentScore;
  elementId: string;
  scope: string;
  names: OrganisationNames;
}) {
  const element = current.score.dimensions
    .flatMap((dimension) => dimension.elements)
    .find((e) => e.id === elementId);
  const back = href('/scores', { scope: scope === ENTERPRISE ? undefined : scope });
  if (!element) {
    return (
      <div class="card">
        <a href={back}>← All elements</a>
        <Empty>There is no element {elementId} in the framework.</Empty>
      </div>
    );
  }
  // This element's own ranking: the page-wide list keeps only the top few actions of the whole framework.
  const actions = rankImprovementActions([element], element.indicators.length + 1);
  return (
    <div class="element-detail">
      <a href={back}>← All elements</a>
      <div class="card">
        <h1>
          {element.id} {element.name} {isAutomatic(element.id) && <span class="auto-mark">auto</span>}
        </h1>
        <p>
          <span class="points" data-testid="element-detail-points">
            {formatPoints(element.points)}
          </span>{' '}
          of {element.max} points · <StageBadge stage={element.stage} />
        </p>
        <p>
          <ConfidenceNote confidence={element.confidence} />
        </p>
        <p class="muted small">
          70 % from indicators (attainment {formatPercent(element.attainment)}), 30 % from the statement of
          objective ({element.objective.level ? OBJECTIVE_LEVELS[element.objective.level] : 'not rated'}).
        </p>
        {element.missing.length > 0 && (
          <div class="notice">
            Missing evidence for {element.missing.length} of {element.indicators.length} indicators:{' '}
            {element.missing.join(', ')}. They earn nothing until evidence arrives.
          </div>
        )}
      </div>
      <div class="card">
        <h2>Indicators</h2>
        <Indicators element={element} feedbackScope={feedbackScope(names, scope)} />
      </div>
      <div class="card">
        <h2>Improvement actions</h2>
        {actions.length === 0 ? (
          <Empty>
            Nothing left to gain here: every indicator is at full attainment and the objective is rated Fully.
          </Empty>
        ) : (
          <ol class="actions">
            {actions.map((action) => (
              <li key={action.indicatorId}>
                <strong>+{formatPoints(action.pointsAvailable)} pts</strong> {action.statement}{' '}
                <ActionHow action={action} />
              </li>
            ))}
          </ol>
        )}
      </div>
    </div>
  );
}

/** The feedback list's unit filter for a score scope: the enterprise is every unit. */
function feedbackScope(names: OrganisationNames, scope: string): string | undefined {
  return scope === ENTERPRISE ? undefined : names.units.find((unit) => unit.id === scope)?.key;
}

/** The feedback a metric was measured from: the scope's feedback over the evidence's window (whole days). */
function evidenceFeedbackLink(window: { from: string; to: string }, unit: string | undefined): string {
  const end = new Date(`${window.to.slice(0, 10)}T00:00:00Z`);
  return href('/feedback', {
    from: `${window.from.slice(0, 10)}T00:00:00.000Z`,
    to: new Date(end.getTime() + 86_400_000).toISOString(),
    unit,
  });
}

function Indicators({ element, feedbackScope }: { element: ElementScore; feedbackScope?: string }) {
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Indicator</th>
            <th scope="col">Attainment</th>
            <th scope="col">Confidence</th>
            <th scope="col">Evidence</th>
          </tr>
        </thead>
        <tbody>
          {element.indicators.map((indicator) => (
            <tr key={indicator.id} class={indicator.status === 'missing' ? 'missing' : ''}>
              <td>
                <code>{indicator.id}</code> {indicator.statement}
              </td>
              <td>
                {indicator.status === 'missing' ? <em>missing</em> : formatPercent(indicator.attainment)}
              </td>
              <td>{formatPercent(indicator.confidence)}</td>
              <td>
                {indicator.evidence.length === 0 ? (
                  <span class="muted">no evidence yet</span>
                ) : (
                  <ul class="evidence">
                    {indicator.evidence.map((evidence) =>
                      evidence.source === 'metric' ? (
                        <li key={evidence.metric}>
                          {metricName(evidence.metric)}: {formatMetric(evidence.metric, evidence.value)} (n ={' '}
                          {evidence.sampleSize}, {evidence.window.from} – {evidence.window.to}){' '}
                          <a
                            href={evidenceFeedbackLink(evidence.window, feedbackScope)}
                            data-testid="evidence-feedback"
                          >
                            see the feedback
                          </a>
                        </li>
                      ) : evidence.source === 'survey_held_back' ? (
                        <li key="survey">
                          Staff survey: {evidence.respondents} answers, fewer than the minimum of{' '}
                          {evidence.minRespondents}, so not counted
                        </li>
                      ) : (
                        <li key="survey">
                          Staff survey mean {evidence.mean.toFixed(2)} of 5 ({evidence.respondents}{' '}
                          respondents)
                        </li>
                      ),
                    )}
                  </ul>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
