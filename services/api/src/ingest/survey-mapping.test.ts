import { describe, expect, it } from 'vitest';
import { typeformDefaultTarget } from './adapters/typeform.js';
import { mapSurveyAnswers, type SurveyAnswer } from './survey-mapping.js';

const answer = (questionId: string, value: number | string, ref?: string): SurveyAnswer => ({
  questionId,
  ref,
  value,
  path: `/answers/${questionId}`,
});

describe('mapSurveyAnswers', () => {
  it('applies explicit rules by id or ref before the defaults, and keeps unclaimed answers', () => {
    const mapped = mapSurveyAnswers(
      [
        answer('q1', 8),
        answer('q2', 3, 'effort'),
        answer('q3', 'Too slow'),
        answer('q4', 'Laura'),
        answer('q5', 4),
      ],
      {
        questions: {
          effort: { as: 'ces', scale: { min: 1, max: 5 } },
          q5: { as: 'staff', questionKey: 'D5.2.1' },
        },
      },
      (a) => (a.questionId === 'q1' ? { as: 'nps' } : a.questionId === 'q3' ? { as: 'text' } : undefined),
    );
    expect(mapped).toEqual({
      ratings: { nps: 8, ces: 4 },
      text: 'Too slow',
      staffAnswers: [{ questionKey: 'D5.2.1', value: 4 }],
      unmapped: { q4: 'Laura' },
      needsMapping: [],
    });
  });

  it('rescales linearly and rounds: 0–4 → CSAT 1–5, 1–5 → CES 1–7', () => {
    const rules = {
      questions: {
        a: { as: 'csat' as const, scale: { min: 0, max: 4 } },
        b: { as: 'ces' as const, scale: { min: 1, max: 5 } },
      },
    };
    expect(mapSurveyAnswers([answer('a', 0), answer('b', 1)], rules, () => undefined).ratings).toEqual({
      csat: 1,
      ces: 1,
    });
    expect(mapSurveyAnswers([answer('a', 4), answer('b', 5)], rules, () => undefined).ratings).toEqual({
      csat: 5,
      ces: 7,
    });
  });

  it('keeps a value outside the scale in metadata and names its question, keeping the other answers', () => {
    const mapped = mapSurveyAnswers(
      [answer('q1', 11), answer('q2', 'The app crashed twice.')],
      { questions: { q1: { as: 'nps' }, q2: { as: 'text' } } },
      () => undefined,
    );
    expect(mapped.ratings).toEqual({});
    expect(mapped.text).toBe('The app crashed twice.');
    expect(mapped.unmapped).toEqual({ q1: 11 });
    expect(mapped.needsMapping).toEqual([
      'question q1 (/answers/q1): 11 is outside the nps scale 0–10; set its scale in the field mapping',
    ]);
  });
});

describe('typeformDefaultTarget', () => {
  it('maps by question type as documented', () => {
    expect(typeformDefaultTarget({ id: 'a', type: 'nps' })).toEqual({ as: 'nps' });
    expect(typeformDefaultTarget({ id: 'a', type: 'rating', properties: { steps: 5 } })).toEqual({
      as: 'csat',
    });
    // Steps the payload does not give are not guessed as 5.
    expect(typeformDefaultTarget({ id: 'a', type: 'rating' })).toEqual({
      needsMapping: 'question a is a rating of unknown steps; map it as nps, csat or ces with its scale',
    });
    expect(typeformDefaultTarget({ id: 'a', type: 'rating', properties: { steps: 10 } })).toEqual({
      needsMapping: 'question a is a rating of 10 steps; map it as nps, csat or ces with its scale',
    });
    expect(typeformDefaultTarget({ id: 'a', type: 'opinion_scale', properties: { steps: 5 } })).toEqual({
      as: 'csat',
      scale: { min: 0, max: 4 },
    });
    expect(
      typeformDefaultTarget({ id: 'a', type: 'opinion_scale', properties: { steps: 5, start_at_one: true } }),
    ).toEqual({ as: 'csat', scale: { min: 1, max: 5 } });
    expect(typeformDefaultTarget({ id: 'a', type: 'opinion_scale' })).toEqual({
      needsMapping:
        'question a is an opinion scale of unknown steps; map it as nps, csat or ces with its scale',
    });
    expect(typeformDefaultTarget({ id: 'a', type: 'long_text' })).toEqual({ as: 'text' });
    expect(typeformDefaultTarget({ id: 'a', type: 'short_text' })).toBeUndefined();
  });
});
