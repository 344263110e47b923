import {
  type QuestionTarget,
  SurveyMonkeyResponseDetails,
  SurveyMonkeyWebhook,
  surveyMonkeyRegions,
} from '@cxloop/contracts';
import { z } from 'zod';
import { Problem, problems } from '../../problems.js';
import {
  type AdapterOutput,
  anySecretMatches,
  type ChannelAdapter,
  headerValue,
  hmac,
  rejections,
  type SourceSettings,
} from '../adapter.js';
import { mapSurveyAnswers, type SurveyAnswer, surveyResponseOutput } from '../survey-mapping.js';
import { signedJsonTest } from '../test-delivery.js';
import { vendorInstant } from './canonical.js';
import { parseJsonBody, parseVendorPayload } from './json.js';
import { readFromVendor } from './vendor-api.js';

const SIGNATURE_HEADER = 'Sm-Signature';
const API_KEY_HEADER = 'Sm-Apikey';

/** SurveyMonkey's API hosts by data centre; a source names its region, never a URL (no fetches elsewhere). */
const apiHosts: Readonly<Record<(typeof surveyMonkeyRegions)[number], string>> = {
  us: 'https://api.surveymonkey.com',
  eu: 'https://api.eu.surveymonkey.com',
  ca: 'https://api.surveymonkey.ca',
};

/** The response a callback names: what the background fetch reads from SurveyMonkey. */
const NamedResponse = z.object({
  surveyId: z.string(),
  responseId: z.string(),
  eventId: z.string(),
  collectorId: z.string().optional(),
});
type NamedResponse = z.infer<typeof NamedResponse>;

export const SurveyMonkeyConfig = z
  .object({
    /** The app's client id (the "API key" SurveyMonkey sends as Sm-Apikey and signs with). */
    clientId: z.string().min(1),
    region: z.enum(surveyMonkeyRegions).default('us'),
  })
  .strict();

/**
 * SurveyMonkey's signature: base64 HMAC-SHA1 of the raw body keyed with `clientId&clientSecret`
 * (SurveyMonkey API v3 docs, webhooks: "Sm-Signature").
 */
export function surveyMonkeySignature(clientId: string, clientSecret: string, body: Buffer): string {
  return hmac('sha1', `${clientId}&${clientSecret}`, body).toString('base64');
}

function configOf(settings: Pick<SourceSettings, 'adapterConfig'>) {
  const config = SurveyMonkeyConfig.safeParse(settings.adapterConfig);
  if (!config.success)
    throw new Problem(500, 'source_misconfigured', 'The source has no SurveyMonkey client id');
  return config.data;
}

/** Open-ended answers are the feedback text by default; ratings need an explicit mapping per question. */
function defaultTarget(family: string | undefined): QuestionTarget | undefined {
  return family === 'open_ended' ? { as: 'text' } : undefined;
}

/** The answers of a response, fetched from SurveyMonkey: the webhook only names the response. */
async function fetchResponse(settings: SourceSettings, surveyId: string, responseId: string) {
  if (!settings.vendorToken) {
    throw new Problem(500, 'source_misconfigured', 'The source has no SurveyMonkey access token');
  }
  const base = settings.vendorApiUrls.surveymonkey ?? apiHosts[configOf(settings).region];
  const url = `${base}/v3/surveys/${encodeURIComponent(surveyId)}/responses/${encodeURIComponent(responseId)}/details?simple=true`;
  const json = await readFromVendor(
    'SurveyMonkey',
    url,
    { authorization: `Bearer ${settings.vendorToken}` },
    'response details',
  );
  return parseVendorPayload(SurveyMonkeyResponseDetails, json);
}

function leadingNumber(text: string | undefined): number | string | undefined {
  if (text === undefined) return undefined;
  const match = /^\s*(-?\d+)/.exec(text);
  return match ? Number(match[1]) : text;
}

export const surveyMonkeyAdapter: ChannelAdapter = {
  name: 'surveymonkey',
  // Callbacks carry SurveyMonkey's own JSON media type; plain JSON is what its docs' examples and tests send.
  mediaTypes: ['application/vnd.surveymonkey.response.v1+json', 'application/json'],
  successStatus: 202,
  validateConfig(config) {
    const parsed = SurveyMonkeyConfig.safeParse(config);
    return parsed.success
      ? undefined
      : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
  },
  signTest(secret, settings, test) {
    const { clientId } = configOf(settings);
    return signedJsonTest(
      test,
      (body) => ({
        [API_KEY_HEADER]: clientId,
        [SIGNATURE_HEADER]: surveyMonkeySignature(clientId, secret, body),
      }),
      'application/vnd.surveymonkey.response.v1+json',
    );
  },
  async verify(delivery, secrets, settings) {
    const signature = headerValue(delivery.headers, SIGNATURE_HEADER);
    if (!signature) return rejections.missing(`the ${SIGNATURE_HEADER} header`);
    const { clientId } = configOf(settings);
    const apiKey = headerValue(delivery.headers, API_KEY_HEADER);
    if (apiKey !== undefined && apiKey !== clientId)
      return rejections.bad(`${API_KEY_HEADER} (another app's client id)`);
    const offered = Buffer.from(signature, 'base64');
    const matched = anySecretMatches(secrets, offered, (secret) =>
      hmac('sha1', `${clientId}&${secret}`, delivery.body),
    );
    return matched ? { ok: true } : rejections.bad(SIGNATURE_HEADER);
  },
  async parse(delivery): Promise<AdapterOutput> {
    const event = parseVendorPayload(SurveyMonkeyWebhook, parseJsonBody(delivery.body));
    if (
      event.object_type !== 'response' ||
      !['response_completed', 'response_updated'].includes(event.event_type)
    ) {
      return {
        events: [],
        batch: false,
        ignored: `event ${event.event_type} on ${event.object_type} is not read`,
      };
    }
    const surveyId = event.resources.survey_id ?? event.filter_id;
    if (!surveyId) {
      throw problems.invalidBody([
        { path: '/resources/survey_id', message: 'the survey of the response is not named' },
      ]);
    }
    // The answers are read from SurveyMonkey after this delivery is committed and answered.
    const named: NamedResponse = {
      surveyId,
      responseId: event.object_id,
      eventId: event.event_id,
      ...(event.resources.collector_id ? { collectorId: event.resources.collector_id } : {}),
    };
    return { events: [], batch: false, fetchLater: [{ key: event.event_id, payload: named }] };
  },
  async fetch(payload, settings): Promise<AdapterOutput> {
    const { surveyId, responseId, eventId, collectorId } = NamedResponse.parse(payload);
    const response = await fetchResponse(settings, surveyId, responseId);
    const answers: SurveyAnswer[] = [];
    const families = new Map<string, string | undefined>();
    response.pages.forEach((page, p) => {
      page.questions.forEach((question, q) => {
        families.set(question.id, question.family);
        question.answers.forEach((answer, a) => {
          const value = answer.text ?? leadingNumber(answer.simple_text);
          if (value !== undefined) {
            answers.push({
              questionId: question.id,
              value,
              path: `/response/pages/${p}/questions/${q}/answers/${a}`,
            });
          }
        });
      });
    });
    const mapped = mapSurveyAnswers(answers, settings.fieldMapping, (answer) =>
      defaultTarget(families.get(answer.questionId)),
    );
    const customerField = settings.fieldMapping.customerRefField;
    return surveyResponseOutput({
      mapped,
      fieldMapping: settings.fieldMapping,
      // A response edited later (response_updated) is the same feedback: its id is the key.
      responseId: response.id,
      customerRef: customerField ? response.custom_variables?.[customerField] : undefined,
      occurredAt: vendorInstant(response.date_modified ?? response.date_created),
      vendor: 'surveymonkey',
      vendorMetadata: { surveyId, collectorId, eventId },
      answersPath: '/response/pages',
    });
  },
};
