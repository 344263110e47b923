import { useState } from 'preact/hooks';
import type { ApiError } from '../api';
import { assessorApi } from '../assessor-api';
import type { Session } from '../session';
import { Empty, ErrorNotice, formatPoints, Show, STAGE_NAMES, StageBadge, useResource } from '../ui';

/** Submits a form's change and reports a refusal (problem+json with field paths) beside it. */
function useSubmit(onDone: () => void) {
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const submit = (change: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    change()
      .then(onDone, setError)
      .finally(() => setBusy(false));
  };
  return { error, busy, submit };
}

/** Indicators an assessor has set by hand, and the form to set or remove one. */
export function OverridesSection({ session }: { session: Session }) {
  const { resource, reload } = useResource(() => assessorApi.overrides(session.orgId), [session.orgId]);
  const canOverride = session.role === 'admin' || session.role === 'assessor';
  const [indicatorId, setIndicatorId] = useState('');
  const [attainment, setAttainment] = useState('');
  const [reason, setReason] = useState('');
  const { error, busy, submit } = useSubmit(() => {
    setReason('');
    reload();
  });
  return (
    <section aria-labelledby="overrides-title">
      <h2 id="overrides-title">Indicator overrides</h2>
      <Show resource={resource} retry={reload} what="Loading overrides">
        {({ overrides }) =>
          overrides.length === 0 ? (
            <Empty>No indicator is overridden: every attainment comes from its evidence.</Empty>
          ) : (
            <ul class="card-list">
              {overrides.map((override) => (
                <li key={override.indicatorId} class="card">
                  <strong>{override.indicatorId}</strong> set to {override.attainment}{' '}
                  <span class="muted small">
                    by {override.setBy}: {override.reason}
                  </span>
                  <div class="small">{override.statement}</div>
                </li>
              ))}
            </ul>
          )
        }
      </Show>
      {canOverride && (
        <form
          class="card stack"
          onSubmit={(event) => {
            event.preventDefault();
            const value = attainment.trim() === '' ? null : Number(attainment);
            submit(() =>
              assessorApi.override(session.orgId, {
                indicatorId: indicatorId.trim(),
                attainment: value,
                reason,
              }),
            );
          }}
        >
          <label for="override-indicator">Indicator (e.g. D5.1.1)</label>
          <input
            id="override-indicator"
            required
            value={indicatorId}
            onInput={(e) => setIndicatorId(e.currentTarget.value)}
          />
          <label for="override-attainment">Attainment 0–1 (empty removes the override)</label>
          <input
            id="override-attainment"
            inputMode="decimal"
            value={attainment}
            onInput={(e) => setAttainment(e.currentTarget.value)}
          />
          <label for="override-reason">Reason</label>
          <textarea
            id="override-reason"
            required
            value={reason}
            onInput={(e) => setReason(e.currentTarget.value)}
          />
          {error && <ErrorNotice error={error} />}
          <button type="submit" disabled={busy}>
            Save override
          </button>
        </form>
      )}
    </section>
  );
}

/** Targets per element with the gap the latest score computed, and the form to set one. */
export function TargetsSection({ session }: { session: Session }) {
  const { resource, reload } = useResource(() => assessorApi.targets(session.orgId), [session.orgId]);
  const [elementId, setElementId] = useState('');
  const [goal, setGoal] = useState('align');
  const [reason, setReason] = useState('');
  const { error, busy, submit } = useSubmit(() => {
    setReason('');
    reload();
  });
  return (
    <section aria-labelledby="targets-title">
      <h2 id="targets-title">Targets</h2>
      <Show resource={resource} retry={reload} what="Loading targets">
        {({ targets }) =>
          targets.length === 0 ? (
            <Empty>No target yet. Set one per element: ranked actions then favour the largest gap.</Empty>
          ) : (
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>Element</th>
                    <th>Scope</th>
                    <th>Target</th>
                    <th>Now</th>
                    <th>Gap</th>
                  </tr>
                </thead>
                <tbody>
                  {targets.map((target) => (
                    <tr key={`${target.scope}|${target.elementId}`}>
                      <td>
                        {target.elementId} {target.name}
                      </td>
                      <td>{target.scope}</td>
                      <td>
                        {target.stage ? <StageBadge stage={target.stage} /> : `${target.points} points`}
                      </td>
                      <td>{target.currentPoints === null ? '—' : formatPoints(target.currentPoints)}</td>
                      <td>{target.gap === null ? 'after the next recompute' : formatPoints(target.gap)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Show>
      <form
        class="card stack"
        onSubmit={(event) => {
          event.preventDefault();
          const points = /^\d+(\.\d+)?$/.test(goal) ? Number(goal) : null;
          submit(() =>
            assessorApi.setTarget(session.orgId, {
              elementId: elementId.trim(),
              points,
              stage: points === null && goal !== '' ? goal : null,
              reason,
            }),
          );
        }}
      >
        <label for="target-element">Element (e.g. D5.2)</label>
        <input
          id="target-element"
          required
          value={elementId}
          onInput={(e) => setElementId(e.currentTarget.value)}
        />
        <label for="target-goal">Stage to reach, or points</label>
        <input
          id="target-goal"
          list="target-stages"
          value={goal}
          onInput={(e) => setGoal(e.currentTarget.value)}
        />
        <datalist id="target-stages">
          {Object.keys(STAGE_NAMES).map((stage) => (
            <option key={stage} value={stage} />
          ))}
        </datalist>
        <label for="target-reason">Reason</label>
        <textarea
          id="target-reason"
          required
          value={reason}
          onInput={(e) => setReason(e.currentTarget.value)}
        />
        {error && <ErrorNotice error={error} />}
        <button type="submit" disabled={busy}>
          Save target
        </button>
      </form>
    </section>
  );
}
