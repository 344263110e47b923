import { type TypeformAnswer, type TypeformField, TypeformWebhook } from '@cxloop/contracts';
import { type BodyHmacScheme, bodyHmacSignature, type ChannelAdapter, verifyBodyHmac } from '../adapter.js';
import {
  type DefaultTarget,
  mapSurveyAnswers,
  type SurveyAnswer,
  surveyResponseOutput,
} from '../survey-mapping.js';
import { signedJsonTest } from '../test-delivery.js';
import { parseJsonBody, parseVendorPayload } from './json.js';

const SCHEME: BodyHmacScheme = {
  header: 'Typeform-Signature',
  prefix: 'sha256=',
  algorithm: 'sha256',
  encoding: 'base64',
};

/** `sha256=` + base64 HMAC-SHA256 of the raw body, keyed with the webhook's secret (Typeform docs). */
export function typeformSignature(secret: string, body: Buffer): string {
  return bodyHmacSignature(SCHEME, secret, body);
}

function answerValue(answer: TypeformAnswer): number | string | undefined {
  switch (answer.type) {
    case 'number':
      return answer.number;
    case 'text':
      return answer.text;
    case 'email':
      return answer.email;
    case 'boolean':
      return answer.boolean === undefined ? undefined : String(answer.boolean);
    case 'choice':
      return answer.choice?.label;
    case 'choices':
      return answer.choices?.labels?.join(', ');
    default:
      return undefined;
  }
}

/**
 * Defaults by Typeform question type: `nps` → NPS; a 5-step `rating` or `opinion_scale` → CSAT (a rating
 * counts from 1, an opinion scale from 0 unless it starts at one); `long_text` → the feedback text.
 * Anything else needs an explicit mapping and is kept in metadata meanwhile. A scale whose number of steps
 * the payload does not give (a rating may have 3 to 10) is not guessed: an 8 of 10 stars read as CSAT 1–5
 * would be wrong, so the admin is asked to map it.
 */
export function typeformDefaultTarget(field: TypeformField | undefined): DefaultTarget {
  if (!field) return undefined;
  const steps = field.properties?.steps;
  const askForScale = (kind: string): DefaultTarget => ({
    needsMapping: `question ${field.ref ?? field.id} is a${/^[aeiou]/.test(kind) ? 'n' : ''} ${kind} of ${steps ?? 'unknown'} steps; map it as nps, csat or ces with its scale`,
  });
  switch (field.type) {
    case 'nps':
      return { as: 'nps' };
    case 'rating':
      return steps === 5 ? { as: 'csat' } : askForScale('rating');
    case 'opinion_scale': {
      if (steps !== 5) return askForScale('opinion scale');
      const from = field.properties?.start_at_one ? 1 : 0;
      return { as: 'csat', scale: { min: from, max: from + 4 } };
    }
    case 'long_text':
      return { as: 'text' };
    default:
      return undefined;
  }
}

export const typeformAdapter: ChannelAdapter = {
  name: 'typeform',
  mediaTypes: ['application/json'],
  successStatus: 202,
  signTest: (secret, _settings, test) =>
    signedJsonTest(test, (body) => ({ [SCHEME.header]: bodyHmacSignature(SCHEME, secret, body) })),
  verify: async (delivery, secrets) => verifyBodyHmac(SCHEME, delivery, secrets),
  async parse(delivery, settings) {
    const payload = parseVendorPayload(TypeformWebhook, parseJsonBody(delivery.body));
    const response = payload.form_response;
    if (payload.event_type !== 'form_response' || !response) {
      return { events: [], batch: false, ignored: `event_type ${payload.event_type} carries no response` };
    }
    const fields = new Map(response.definition.fields.map((field) => [field.id, field]));
    const answers: SurveyAnswer[] = response.answers.flatMap((answer, index) => {
      const value = answerValue(answer);
      return value === undefined
        ? []
        : [
            {
              questionId: answer.field.id,
              ref: answer.field.ref,
              value,
              path: `/form_response/answers/${index}`,
            },
          ];
    });
    const mapped = mapSurveyAnswers(answers, settings.fieldMapping, (answer) =>
      typeformDefaultTarget(fields.get(answer.questionId)),
    );
    const customerField = settings.fieldMapping.customerRefField;
    return surveyResponseOutput({
      mapped,
      fieldMapping: settings.fieldMapping,
      responseId: response.token,
      customerRef: customerField ? response.hidden?.[customerField] : undefined,
      occurredAt: response.submitted_at,
      vendor: 'typeform',
      vendorMetadata: {
        formId: response.form_id,
        formTitle: response.definition.title,
        eventId: payload.event_id,
      },
      answersPath: '/form_response/answers',
    });
  },
};
