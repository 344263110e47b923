import { allElements, findIndicator, listIndicators, toolsAndProcessesPulse } from '@cxloop/scoring';
import { describe, expect, it } from 'vitest';
import { buildSurveyQuestions, SurveyTemplate } from './templates.js';

const template = (input: unknown) => SurveyTemplate.parse(input);

describe('buildSurveyQuestions', () => {
  it('asks one statement per indicator of every chosen element, then its objective', () => {
    const questions = buildSurveyQuestions(
      template({ kind: 'framework', dimensions: ['D5'], elements: ['D6.1'] }),
    );
    const expected = [...listIndicators({ dimensions: ['D5'] }), ...listIndicators({ elements: ['D6.1'] })];
    const likert = questions.filter((question) => question.kind === 'likert');
    expect(likert.map((question) => question.key)).toEqual(expected.map((indicator) => indicator.id));
    for (const question of likert) expect(question.informs).toEqual([question.key]);
    const elements = ['D5.1', 'D5.2', 'D5.3', 'D5.4', 'D5.5', 'D6.1'];
    expect(
      questions.filter((question) => question.kind === 'objective').map((question) => question.elementId),
    ).toEqual(elements);
    // The objective question follows the element's last statement.
    const last = questions.findIndex((question) => question.key === 'objective:D5.2');
    expect(questions[last - 1]?.key).toBe(listIndicators({ elements: ['D5.2'] }).at(-1)?.id);
  });

  it('covers the whole framework when nothing is chosen, and can leave the objectives out', () => {
    const questions = buildSurveyQuestions(template({ kind: 'framework', objectives: false }));
    expect(questions).toHaveLength(listIndicators().length);
    expect(new Set(questions.map((question) => question.key)).size).toBe(questions.length);
    expect(buildSurveyQuestions(template({ kind: 'framework' }))).toHaveLength(
      listIndicators().length + allElements.length,
    );
  });

  it('refuses an element the framework does not have', () => {
    expect(() => buildSurveyQuestions(template({ kind: 'framework', elements: ['D5.9'] }))).toThrow(
      RangeError,
    );
  });

  it('builds the tools-and-processes pulse with each indicator informed by one question only', () => {
    const questions = buildSurveyQuestions(template({ kind: 'pulse', pulse: 'tools_and_processes' }));
    expect(questions.map((question) => question.key)).toEqual(
      toolsAndProcessesPulse.map((question) => question.id),
    );
    const informed = questions.flatMap((question) => question.informs);
    // One answer per respondent per indicator: the evidence query counts answers as respondents.
    expect(new Set(informed).size).toBe(informed.length);
    for (const id of informed) expect(findIndicator(id)).toBeDefined();
  });
});
