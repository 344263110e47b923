import { describe, expect, it } from 'vitest';
import { explainVisibleChanges, type ScoreChangeEvent } from './scores-api';

type Element = ScoreChangeEvent['elements'][number];

const element = (before: number | null, after: number, why: Element['why'] = []): Element => ({
  elementId: 'D5.2',
  name: 'Feedback Channels',
  before,
  after,
  why,
});

const event = (...elements: Element[]): ScoreChangeEvent => ({
  orgId: '00000000-0000-4000-8000-000000000000',
  scope: 'enterprise',
  unitId: null,
  historyId: '1',
  recordedAt: '2026-12-08T00:00:00Z',
  total: { before: 10, after: 10.01 },
  stage: { before: 'ignore', after: 'ignore' },
  elements,
});

describe('the live feed', () => {
  it('leaves out moves that round away at the precision points are shown', () => {
    expect(explainVisibleChanges(event(element(3.04, 3.0449), element(12.26, 12.2549)))).toEqual([]);
  });

  it('reports the move as shown, not as computed', () => {
    // 3.04 shows as 3.0 and 3.06 as 3.1: the page says +0.1, though the computed move is 0.02.
    const [line] = explainVisibleChanges(
      event(
        element(3.04, 3.06, [
          {
            kind: 'indicator',
            points: 0.02,
            evidence: [
              { source: 'survey', before: { value: 3, sampleSize: 5 }, after: { value: 3.1, sampleSize: 6 } },
            ],
          },
        ]),
      ),
    );
    expect(line).toBe('D5.2 Feedback Channels +0.1: staff survey mean 3.00 → 3.10 (n = 6)');
  });

  it('names an element that is scored for the first time', () => {
    expect(explainVisibleChanges(event(element(null, 0)))).toEqual([
      'D5.2 Feedback Channels ±0.0: recomputed',
    ]);
  });
});
