import { describe, expect, it } from 'vitest';
import { sentimentScore } from './sentiment.js';

describe('sentimentScore: politeness inside a complaint', () => {
  it('gives courtesy formulas no praise when the rest is a complaint', () => {
    const onHold = sentimentScore('I have been on hold for 3 hours.');
    expect(sentimentScore('I have been on hold for 3 hours. Please help!')).toBeCloseTo(onHold, 6);
    expect(sentimentScore('Parcel lost, nobody answers my emails. Thanks.')).toBeCloseTo(
      sentimentScore('Parcel lost, nobody answers my emails.'),
      6,
    );
    expect(
      sentimentScore('It would be helpful if someone called me back, the parcel is lost and nobody answers.'),
    ).toBeLessThan(-0.3);
  });

  it('keeps thanks that praise, and "thanks to" that credits', () => {
    expect(sentimentScore('Thank you for the quick refund, great service.')).toBeGreaterThan(0.5);
    expect(sentimentScore('Thanks to the manager it was sorted quickly.')).toBeGreaterThan(0.3);
    expect(sentimentScore('Please pass on my thanks to Anna.')).toBeGreaterThan(0.2);
  });
});

describe('sentimentScore: sarcasm', () => {
  it('reads praise for a stated delay, wait or loss as a complaint', () => {
    expect(sentimentScore('thanks for the rude customer service and 3 hour delay')).toBeLessThan(-0.5);
    expect(sentimentScore('Great, another 2 hour delay.')).toBeLessThan(-0.3);
    expect(sentimentScore('Love waiting 45 minutes on hold')).toBeLessThan(-0.3);
    expect(sentimentScore('Nice job losing my suitcase.')).toBeLessThan(-0.3);
    expect(sentimentScore('Perfect. Cancelled again.')).toBeLessThan(-0.3);
  });

  it('leaves sincere praise beside a fault alone', () => {
    expect(sentimentScore('Great staff, 2 hour wait though.')).toBeGreaterThan(0);
    expect(sentimentScore('Great. Loved it.')).toBeGreaterThan(0.5);
  });
});

describe('sentimentScore: product words', () => {
  it('reads "quality" as the thing judged when another word judges it', () => {
    for (const text of ['Poor quality.', 'The quality is poor.', 'Low quality.', 'poor-quality cables']) {
      expect(sentimentScore(text), text).toBeLessThan(-0.3);
    }
    expect(sentimentScore('High quality product, fast delivery.')).toBeGreaterThan(0.3);
  });

  it("gives a descriptive compound half its head's valence", () => {
    expect(sentimentScore('She is someone-awesome')).toBeLessThan(sentimentScore('She is awesome'));
    expect(sentimentScore('super-friendly staff')).toBeCloseTo(sentimentScore('friendly staff'), 6);
  });

  it('reads a capitalised word between a determiner and a noun as a brand', () => {
    expect(sentimentScore('I bought a Creative speaker.')).toBeLessThan(
      sentimentScore('I bought a creative speaker.'),
    );
  });
});
