import { describe, expect, it } from 'vitest';
import { ANALYSER_VERSION, analyseFeedback } from './analyse.js';
import { sentimentScore } from './sentiment.js';

const complaint =
  'On hold for an hour &amp; then cut off. This is the third time I have called! Email me at jo@example.com. ' +
  'The staff were helpful though.';

describe('analyseFeedback', () => {
  it('records the analyser version and gives sentence spans into the original text', () => {
    const analysis = analyseFeedback({ text: complaint });
    expect(analysis.analyserVersion).toBe(ANALYSER_VERSION);
    expect(analysis.sentences.map((s) => complaint.slice(s.start, s.end))).toEqual([
      'On hold for an hour &amp; then cut off.',
      'This is the third time I have called!',
      'Email me at jo@example.com.',
      'The staff were helpful though.',
    ]);
    expect(analysis.sentences[0]?.label).toBe('negative');
    expect(analysis.sentences[3]?.label).toBe('positive');
  });

  it('keeps personal data out of keywords while redacting it for analysts', () => {
    const analysis = analyseFeedback({ text: complaint });
    expect(analysis.pii.redactedText).toContain('[EMAIL]');
    expect(analysis.keywords.some((keyword) => keyword.term.includes('example'))).toBe(false);
  });

  it("reads phone numbers in the organisation's region and keeps its own handles readable", () => {
    const text = '@AcmeRail ask @sam_k, or call me on 030 12345678.';
    const spans = (options: { defaultRegion?: 'DE' | 'GB'; brandHandles?: string[] }) =>
      analyseFeedback({ text }, options).pii.spans.map((span) => text.slice(span.start, span.end));
    expect(spans({ defaultRegion: 'DE', brandHandles: ['AcmeRail'] })).toEqual(['@sam_k', '030 12345678']);
    expect(spans({ defaultRegion: 'GB' })).toEqual(['@AcmeRail', '@sam_k']);
  });

  it('analyses short English that shares words with Portuguese, so a detractor is flagged', () => {
    const analysis = analyseFeedback({
      text: 'as soon as I call customer service I am disconnected',
      nps: 1,
    });
    expect(analysis.language.code).toBe('en');
    expect(analysis.sentiment.label).toBe('negative');
    expect(analysis.flags.map((flag) => flag.code)).toContain('nps_detractor_complaint');
  });

  it('is deterministic', () => {
    const input = { text: complaint, nps: 2, ces: 2, priorContactCount: 2 };
    expect(JSON.stringify(analyseFeedback(input))).toBe(JSON.stringify(analyseFeedback(input)));
  });

  it('agrees with the fast sentiment path on text without personal data', () => {
    const text = 'The room was nice but the staff were rude!';
    expect(analyseFeedback({ text }).sentiment.score).toBeCloseTo(sentimentScore(text), 4);
  });

  it('does not score other languages as neutral English', () => {
    const analysis = analyseFeedback({ text: 'Le service était très lent et le personnel pas aimable.' });
    expect(analysis.language).toMatchObject({ code: 'fr', analysed: false });
    expect(analysis.sentiment).toEqual({ score: null, label: null });
    expect(analysis.topics).toEqual([]);
  });
});

describe('analyseFeedback sentiment', () => {
  it('scores the document exactly as the fast path does, contrast across sentences included', () => {
    const text = 'Lovely staff. But the room was filthy and nobody called back!';
    expect(analyseFeedback({ text }).sentiment.score).toBeCloseTo(sentimentScore(text), 3);
    expect(analyseFeedback({ text }).sentiment.score).toBeLessThan(0);
  });
});
