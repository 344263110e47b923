import { describe, expect, it } from 'vitest';
import { discoverTopicCandidates } from './topic-discovery.js';

const now = new Date('2026-12-08T12:00:00Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * 24 * 3_600_000);

describe('topic discovery', () => {
  it('groups phrases that recur together into one candidate, with weekly volume and newest examples', () => {
    const feedback = [
      { text: 'Seat belt buckle jammed on take-off.', receivedAt: daysAgo(1) },
      { text: 'My seat belt buckle would not open.', receivedAt: daysAgo(3) },
      { text: 'Seat belt buckle missing again.', receivedAt: daysAgo(10) },
      { text: 'The seat belt was frayed.', receivedAt: daysAgo(20) },
      { text: 'Lovely lounge.', receivedAt: daysAgo(2) },
      { text: 'Boarding was chaotic.', receivedAt: daysAgo(2) },
    ].map((item, index) => ({ id: `f${index}`, ...item }));
    const [candidate, ...others] = discoverTopicCandidates(feedback, now);
    expect(others).toEqual([]);
    expect(candidate).toMatchObject({
      id: 'seat_belt',
      label: 'Seat belt',
      terms: ['seat belt', 'belt buckle', 'buckle'],
      volume: 4,
    });
    expect(candidate!.weekly).toEqual([0, 0, 0, 0, 0, 1, 1, 2]);
    expect(candidate!.trend).toBeCloseTo(2 / (2 / 7));
    expect(candidate!.examples.map((example) => example.feedbackId)).toEqual(['f0', 'f1', 'f2']);
  });

  it('proposes nothing for phrases heard fewer than three times', () => {
    const feedback = ['Gate closed early.', 'The gate closed early.'].map((text, index) => ({
      id: String(index),
      text,
      receivedAt: now,
    }));
    expect(discoverTopicCandidates(feedback, now)).toEqual([]);
  });
});
