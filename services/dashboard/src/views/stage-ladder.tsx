import { defaultStageBands } from '@cxloop/scoring';
import { formatPoints } from '../ui';

/**
 * The six stages as a ladder: each band's name, the points it starts at, what it looks like, and where this
 * score stands. It is also the legend of the stage colours, so no colour carries meaning on its own.
 */
export function StageLadder({ total, max, stage }: { total: number; max: number; stage: string }) {
  const bands = [...defaultStageBands].reverse();
  return (
    <details class="card stage-ladder" data-testid="stage-ladder">
      <summary>
        <h2 class="inline-heading">Stages: what the colours mean</h2>
      </summary>
      <ol class="ladder" aria-label="Maturity stages, highest first">
        {bands.map((band) => {
          const from = band.minShare * max;
          const current = band.stage === stage;
          return (
            <li key={band.stage} class={current ? 'current' : ''} aria-current={current ? 'step' : undefined}>
              <span class={`swatch stage-${band.stage}`} aria-hidden="true" />
              <strong>{band.name}</strong> <span class="muted small">from {formatPoints(from)} points</span>
              {current && <strong class="small"> · this score ({formatPoints(total)})</strong>}
              {!current && total < from && (
                <span class="muted small"> · {formatPoints(from - total)} points away</span>
              )}
              <p class="small">{band.description}</p>
            </li>
          );
        })}
      </ol>
    </details>
  );
}

/** What "confidence" means, in words a manager can act on. */
export function ConfidenceNote({ confidence }: { confidence: number }) {
  const level = confidence >= 0.8 ? 'high' : confidence >= 0.5 ? 'moderate' : 'low';
  return (
    <span class="muted small" data-testid="confidence">
      Confidence {Math.round(confidence * 100)} % ({level}): how much evidence stands behind this score. It
      grows with the number of answers and measurements; a low figure means the score may still move as
      evidence arrives, not that the practice is poor.
    </span>
  );
}
