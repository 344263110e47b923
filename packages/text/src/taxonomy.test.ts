import { describe, expect, it } from 'vitest';
import { analyseFeedback } from './analyse.js';
import {
  applyTaxonomyChange,
  type OrganisationTopic,
  TaxonomyError,
  taxonomyForAnalysis,
  topicsInUse,
} from './taxonomy.js';

const lounge: OrganisationTopic = {
  id: 'lounge',
  label: 'Lounge',
  seedTerms: ['lounge'],
  excludes: [],
  parentId: null,
  status: 'active',
  mergedInto: null,
};

describe('organisation taxonomy', () => {
  it('starts from the built-in topics and adopts one when it is changed', () => {
    expect(topicsInUse([]).some((topic) => topic.id === 'billing')).toBe(true);
    const { topics, changesDetection } = applyTaxonomyChange([], { kind: 'retire', id: 'billing' });
    expect(changesDetection).toBe(true);
    expect(topics).toEqual([expect.objectContaining({ id: 'billing', status: 'retired' })]);
    expect(taxonomyForAnalysis(topics, []).retiredDefaultTopics).toEqual(['billing']);
  });

  it('counts a rename as a version that leaves detection alone', () => {
    const renamed = applyTaxonomyChange([lounge], { kind: 'update', id: 'lounge', label: 'Lounges' });
    expect(renamed).toEqual({ topics: [{ ...lounge, label: 'Lounges' }], changesDetection: false });
  });

  it('merges terms and sub-topics into the surviving topic', () => {
    const showers: OrganisationTopic = { ...lounge, id: 'showers', label: 'Showers', seedTerms: ['shower'] };
    const towels: OrganisationTopic = {
      ...lounge,
      id: 'towels',
      label: 'Towels',
      seedTerms: ['towel'],
      parentId: 'showers',
    };
    const { topics } = applyTaxonomyChange([lounge, showers, towels], {
      kind: 'merge',
      id: 'showers',
      into: 'lounge',
    });
    expect(topics.find((topic) => topic.id === 'lounge')?.seedTerms).toEqual(['lounge', 'shower']);
    expect(topics.find((topic) => topic.id === 'showers')).toMatchObject({
      status: 'merged',
      mergedInto: 'lounge',
    });
    expect(topics.find((topic) => topic.id === 'towels')?.parentId).toBe('lounge');
  });

  it('refuses parent cycles, unknown parents, duplicate ids and retiring a parent', () => {
    const child: OrganisationTopic = { ...lounge, id: 'showers', seedTerms: ['shower'], parentId: 'lounge' };
    const refusal = (change: Parameters<typeof applyTaxonomyChange>[1]) => {
      try {
        applyTaxonomyChange([lounge, child], change);
      } catch (error) {
        if (error instanceof TaxonomyError) return { path: error.path, missing: error.missingTopic };
      }
      return undefined;
    };
    expect(refusal({ kind: 'update', id: 'lounge', parentId: 'showers' })).toEqual({
      path: '/parentId',
      missing: false,
    });
    expect(refusal({ kind: 'add', id: 'spa', label: 'Spa', seedTerms: ['spa'], parentId: 'gym' })).toEqual({
      path: '/parentId',
      missing: false,
    });
    expect(refusal({ kind: 'add', id: 'lounge', label: 'Again', seedTerms: ['x'] })?.path).toBe('/id');
    expect(refusal({ kind: 'retire', id: 'lounge' })?.path).toBe('/id');
    expect(refusal({ kind: 'retire', id: 'gym' })).toEqual({ path: '/id', missing: true });
    expect(refusal({ kind: 'merge', id: 'lounge', into: 'gym' })).toEqual({ path: '/into', missing: false });
  });

  it('gives the analyser widened own topics that report a sub-topic under its parent too', () => {
    const strap: OrganisationTopic = {
      ...lounge,
      id: 'strap',
      label: 'Strap',
      seedTerms: ['strap'],
      parentId: 'lounge',
    };
    const forAnalysis = taxonomyForAnalysis(
      [lounge, strap, { ...lounge, id: 'gone', seedTerms: ['gone'], status: 'retired' }],
      [],
    );
    expect(forAnalysis.customTopics.map((topic) => [topic.id, topic.parentId])).toEqual([
      ['lounge', null],
      ['strap', 'lounge'],
    ]);
    const found = analyseFeedback(
      { text: 'The strap broke in the lounge, gone for good.' },
      forAnalysis,
    ).topics;
    expect(found.map((topic) => topic.id)).toEqual(expect.arrayContaining(['lounge', 'strap']));
    expect(found.map((topic) => topic.id)).not.toContain('gone');
    expect(
      analyseFeedback({ text: 'The strap was torn.' }, forAnalysis).topics.map((topic) => topic.id),
    ).toEqual(expect.arrayContaining(['lounge', 'strap']));
  });
});
