import type { NewSurveyQuestion } from '@cxloop/db';
import {
  allElements,
  type DimensionId,
  listIndicators,
  surveyItemText,
  toolsAndProcessesPulse,
} from '@cxloop/scoring';
import { z } from 'zod';

const dimensionIds = ['D1', 'D2', 'D3', 'D4', 'D5', 'D6'] as const satisfies readonly DimensionId[];

/**
 * What a survey's questions are generated from: part of the framework (whole dimensions and/or single
 * elements, everything when both are empty) or a built-in pulse.
 */
export const SurveyTemplate = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('framework'),
      dimensions: z.array(z.enum(dimensionIds)).max(6).default([]),
      elements: z
        .array(z.string().regex(/^D[1-6]\.\d{1,2}$/, 'an element id such as D5.2'))
        .max(64)
        .default([]),
      /** Ask for each element's statement of objective (Fully / Partially / Not yet) after its indicators. */
      objectives: z.boolean().default(true),
    })
    .strict(),
  z.object({ kind: z.literal('pulse'), pulse: z.literal('tools_and_processes') }).strict(),
]);
export type SurveyTemplate = z.infer<typeof SurveyTemplate>;

/** The key of the question rating an element's statement of objective. */
export function objectiveQuestionKey(elementId: string): string {
  return `objective:${elementId}`;
}

function frameworkQuestions(template: Extract<SurveyTemplate, { kind: 'framework' }>): NewSurveyQuestion[] {
  const chosen = new Set(
    listIndicators({ dimensions: template.dimensions, elements: template.elements }).map(
      (indicator) => indicator.id,
    ),
  );
  return allElements.flatMap((element) => {
    const indicators = element.indicators.filter((indicator) => chosen.has(indicator.id));
    if (indicators.length === 0) return [];
    const section = `${element.id} ${element.name}`;
    const statements: NewSurveyQuestion[] = indicators.map((indicator) => ({
      key: indicator.id,
      kind: 'likert',
      section,
      text: surveyItemText(indicator),
      informs: [indicator.id],
      elementId: null,
    }));
    if (!template.objectives) return statements;
    return [
      ...statements,
      {
        key: objectiveQuestionKey(element.id),
        kind: 'objective',
        section,
        text: `Our objective: ${element.objective} How far have we achieved it?`,
        informs: [],
        elementId: element.id,
      },
    ];
  });
}

function pulseQuestions(): NewSurveyQuestion[] {
  return toolsAndProcessesPulse.map((question) => ({
    key: question.id,
    kind: 'likert',
    section: 'Tools and processes',
    text: question.question,
    informs: [...question.informs],
    elementId: null,
  }));
}

/**
 * The questions of a survey, generated from the framework model as it is now; the caller stores them as the
 * survey's snapshot. Framework order, one 1–5 statement per indicator, the element's objective question after
 * its statements. Throws RangeError for a dimension or element the framework does not have.
 *
 * @example buildSurveyQuestions({ kind: 'framework', dimensions: ['D5'], elements: ['D6.1'], objectives: true })
 */
export function buildSurveyQuestions(template: SurveyTemplate): NewSurveyQuestion[] {
  return template.kind === 'framework' ? frameworkQuestions(template) : pulseQuestions();
}
