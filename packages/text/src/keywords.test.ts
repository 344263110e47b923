import { describe, expect, it } from 'vitest';
import { addDocument, documentTerms, emptyCorpusStats, inverseDocumentFrequency, tfIdf } from './keywords.js';

describe('keywords and corpus statistics', () => {
  it('extracts content words and phrases, negated complaints included', () => {
    const terms = documentTerms('My parcel never arrived and the courier was rude.');
    expect(terms).toContain('never arrived');
    expect(terms).toContain('parcel');
    expect(terms).not.toContain('the');
  });

  it('adds documents without changing the statistics passed in', () => {
    const empty = emptyCorpusStats();
    const one = addDocument(empty, 'late delivery again');
    const two = addDocument(one, 'late delivery, rude driver');
    expect(empty).toEqual({ documentCount: 0, documentFrequency: {} });
    expect(one.documentFrequency['late delivery']).toBe(1);
    expect(two.documentCount).toBe(2);
    expect(two.documentFrequency['late delivery']).toBe(2);
    expect(two.documentFrequency['rude driver']).toBe(1);
  });

  it('ranks rare terms above common ones once the corpus knows them', () => {
    let corpus = emptyCorpusStats();
    for (let i = 0; i < 20; i++) corpus = addDocument(corpus, 'delivery was fine');
    expect(inverseDocumentFrequency(corpus, 'delivery')).toBeLessThan(
      inverseDocumentFrequency(corpus, 'forklift'),
    );
    // Separate clauses, so neither word is swallowed by a phrase.
    const ranked = tfIdf(corpus, 'delivery, forklift');
    expect(ranked.map((keyword) => keyword.term)).toEqual(['forklift', 'delivery']);
    expect(tfIdf(emptyCorpusStats(), 'delivery, forklift').map((keyword) => keyword.score)).toEqual([1, 1]);
  });
});
