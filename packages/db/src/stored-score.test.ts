import { scoreFramework } from '@cxloop/scoring';
import { describe, expect, it } from 'vitest';
import { readStoredScore, STORED_SCORE_VERSION, toStoredScore } from './stored-score.js';

const score = scoreFramework({
  metrics: [
    {
      metric: 'closed_loop_rate_30d',
      value: 0.6,
      sampleSize: 80,
      window: { from: '2025-05-01', to: '2025-05-30' },
    },
  ],
  survey: [{ indicatorId: 'D1.1.1', mean: 4, respondents: 12 }],
  objectives: [
    {
      elementId: 'D5.2',
      level: 'partially',
      reason: 'loop closed for web only',
      ratedBy: 'a',
      ratedAt: '2025-05-30T00:00:00Z',
    },
  ],
});
/** As PostgreSQL hands a jsonb column back: parsed JSON. */
const roundTrip = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('stored scores', () => {
  it('are written with their version and read back as they were', () => {
    const stored = roundTrip(toStoredScore(score));
    expect(stored).toMatchObject({ version: STORED_SCORE_VERSION });
    expect(readStoredScore(stored)).toEqual(roundTrip(score));
  });

  it('written before scores carried a version are migrated on read', () => {
    expect(readStoredScore(roundTrip(score))).toEqual(roundTrip(score));
  });

  it('of another shape fail where they are read, naming the field', () => {
    const stored = roundTrip(toStoredScore(score)) as { dimensions: { elements: { points?: unknown }[] }[] };
    delete stored.dimensions[0]!.elements[0]!.points;
    expect(() => readStoredScore(stored)).toThrow(/dimensions.*elements.*points/s);
  });

  it('of a version this code does not know are refused, not guessed at', () => {
    const stored = { ...(roundTrip(toStoredScore(score)) as object), version: STORED_SCORE_VERSION + 1 };
    expect(() => readStoredScore(stored)).toThrow();
  });
});
