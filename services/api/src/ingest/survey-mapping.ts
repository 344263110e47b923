import type { FieldMapping, QuestionTarget, Ratings } from '@cxloop/contracts';
import { problems } from '../problems.js';
import type { AdapterOutput } from './adapter.js';
import { canonicalEvent } from './adapters/canonical.js';
import type { StaffAnswer, StaffSurveyResponse } from './staff-responses.js';

/** One answered survey question, whichever vendor it came from. */
export interface SurveyAnswer {
  /** The vendor's question id; `ref` is Typeform's readable reference, also accepted as a mapping key. */
  questionId: string;
  ref?: string | undefined;
  value: number | string;
  /** JSON pointer of the answer in the vendor payload, for error messages. */
  path: string;
}

const ratingRange = { nps: [0, 10], csat: [1, 5], ces: [1, 7] } as const;

export interface MappedSurvey {
  ratings: Ratings;
  text: string;
  staffAnswers: StaffAnswer[];
  /** Answers no rule claimed, kept in metadata so nothing the customer said is silently dropped. */
  unmapped: Record<string, number | string>;
  /** Why some answers could not be read as mapped: the admin is told which question needs a mapping. */
  needsMapping: string[];
}

/** A default rule's verdict: a target, nothing to say (kept in metadata), or why the question needs a mapping. */
export type DefaultTarget = QuestionTarget | { needsMapping: string } | undefined;

function rescale(
  value: number,
  target: Extract<QuestionTarget, { as: 'nps' | 'csat' | 'ces' }>,
): number | undefined {
  const [low, high] = ratingRange[target.as];
  const from = target.scale ?? { min: low, max: high };
  if (!Number.isFinite(value) || value < from.min || value > from.max) return undefined;
  return Math.round(low + ((value - from.min) * (high - low)) / (from.max - from.min));
}

/**
 * Applies a source's field mapping (explicit rules first, then `defaultTarget` by question type) to a
 * response's answers. A rating outside its scale is never clamped, and never costs the response its other
 * answers: it is kept in metadata and named in `needsMapping` (the vendor would only retry into the same
 * refusal, and the response would be lost).
 */
export function mapSurveyAnswers(
  answers: readonly SurveyAnswer[],
  mapping: FieldMapping,
  defaultTarget: (answer: SurveyAnswer) => DefaultTarget,
): MappedSurvey {
  const ratings: Ratings = {};
  const texts: string[] = [];
  const staffAnswers: StaffAnswer[] = [];
  const unmapped: Record<string, number | string> = {};
  const needsMapping: string[] = [];
  const keep = (answer: SurveyAnswer, why?: string) => {
    unmapped[answer.ref ?? answer.questionId] = answer.value;
    if (why) needsMapping.push(why);
  };
  for (const answer of answers) {
    const rule =
      mapping.questions[answer.questionId] ??
      (answer.ref ? mapping.questions[answer.ref] : undefined) ??
      defaultTarget(answer);
    if (rule !== undefined && 'needsMapping' in rule) {
      keep(answer, rule.needsMapping);
      continue;
    }
    const target = rule;
    switch (target?.as) {
      case 'nps':
      case 'csat':
      case 'ces': {
        const numeric = typeof answer.value === 'number' ? answer.value : Number(answer.value);
        const rating = rescale(numeric, target);
        if (rating === undefined) {
          const scale = target.scale ?? { min: ratingRange[target.as][0], max: ratingRange[target.as][1] };
          keep(
            answer,
            `question ${answer.ref ?? answer.questionId} (${answer.path}): ${String(answer.value)} is outside the ${target.as} scale ${scale.min}–${scale.max}; set its scale in the field mapping`,
          );
        } else ratings[target.as] = rating;
        break;
      }
      case 'text':
        if (String(answer.value).trim()) texts.push(String(answer.value).trim());
        break;
      case 'staff':
        staffAnswers.push({ questionKey: target.questionKey, value: answer.value });
        break;
      case 'ignore':
        break;
      case undefined:
        keep(answer);
    }
  }
  return { ratings, text: texts.join('\n\n'), staffAnswers, unmapped, needsMapping };
}

/** The staff part of a survey response; answers mapped to staff questions need the source's staff survey. */
export function staffResponseOf(
  surveyId: string | undefined,
  externalId: string,
  answers: StaffAnswer[],
): StaffSurveyResponse {
  if (!surveyId) {
    throw problems.invalidBody([
      {
        path: '/fieldMapping/staffSurveyId',
        message: 'questions are mapped to a staff survey but the source has no staffSurveyId',
      },
    ]);
  }
  return { externalId, surveyId, answers };
}

export interface SurveyResponseDelivery {
  mapped: MappedSurvey;
  fieldMapping: FieldMapping;
  /** The vendor's response id: the idempotency key of both the feedback and the staff response. */
  responseId: string;
  customerRef: unknown;
  occurredAt: string | undefined;
  /** Vendor details kept in metadata under `vendor`. */
  vendor: 'typeform' | 'surveymonkey' | 'hubspot' | 'qualtrics';
  vendorMetadata: Record<string, unknown>;
  /** JSON pointer of the answers in the vendor payload, for the "nothing mapped" error. */
  answersPath: string;
}

/**
 * What a survey tool's response becomes: at most one feedback (ratings and text) and at most one staff
 * response; a response that maps to neither is a 422 asking for a field mapping.
 */
export function surveyResponseOutput(response: SurveyResponseDelivery): AdapterOutput {
  const { mapped, fieldMapping, responseId } = response;
  const staffResponse =
    mapped.staffAnswers.length > 0
      ? staffResponseOf(fieldMapping.staffSurveyId, responseId, mapped.staffAnswers)
      : undefined;
  const hasFeedback = mapped.text.length > 0 || Object.keys(mapped.ratings).length > 0;
  if (!hasFeedback && !staffResponse) {
    throw problems.invalidBody([
      {
        path: response.answersPath,
        message: 'no answer maps to a rating or text; map the questions in the source’s field mapping',
      },
    ]);
  }
  const customerRef = typeof response.customerRef === 'string' ? response.customerRef : undefined;
  const events = hasFeedback
    ? [
        canonicalEvent({
          externalId: responseId,
          text: mapped.text,
          ratings: mapped.ratings,
          ...(customerRef ? { customerRef } : {}),
          ...(response.occurredAt ? { occurredAt: response.occurredAt } : {}),
          metadata: {
            [response.vendor]: {
              ...response.vendorMetadata,
              ...(Object.keys(mapped.unmapped).length > 0 ? { otherAnswers: mapped.unmapped } : {}),
            },
          },
        }),
      ]
    : [];
  return {
    events,
    batch: false,
    ...(staffResponse ? { staffResponse } : {}),
    ...(mapped.needsMapping.length > 0 ? { needsMapping: mapped.needsMapping.join('; ') } : {}),
  };
}
