import { QualtricsCompletedResponse, QualtricsEventForm, QualtricsResponse } from '@cxloop/contracts';
import { z } from 'zod';
import { Problem } from '../../problems.js';
import {
  type AdapterOutput,
  anySecretMatches,
  type ChannelAdapter,
  hmac,
  rejections,
  type SourceSettings,
} from '../adapter.js';
import { firstValues } from '../form-body.js';
import {
  type DefaultTarget,
  mapSurveyAnswers,
  type SurveyAnswer,
  surveyResponseOutput,
} from '../survey-mapping.js';
import { testEventJson } from '../test-delivery.js';
import { parseJsonBody, parseVendorPayload } from './json.js';
import { readFromVendor } from './vendor-api.js';

const COMPLETED_RESPONSE_TOPIC = /^surveyengine\.completedResponse\./;

/** A datacenter id (`fra1`, `iad1`, `ca1` …), never a host: responses are fetched from Qualtrics only. */
export const QualtricsConfig = z
  .object({ datacenter: z.string().regex(/^[a-z]{2,4}\d{1,2}$/, 'a Qualtrics datacenter id such as fra1') })
  .strict();

/**
 * Qualtrics' event signature: hex HMAC-SHA512 of the `MSG` field, keyed with the subscription's `sharedKey`,
 * in the `HMAC` field (Qualtrics event subscriptions, "sharedKey"; the same check as SAP's Kyma Qualtrics
 * gateway, whose test vector cxloop's unit test reuses). The signature covers the message, not `Topic`, so
 * cxloop reads the survey and response from the message alone; it has no timestamp, so a replay can only
 * repeat a message, which stores nothing new.
 */
export function qualtricsSignature(sharedKey: string, message: string): string {
  return hmac('sha512', sharedKey, message).toString('hex');
}

/**
 * Text-entry answers (`QIDn_TEXT`) are the feedback text by default; NPS groups (`QIDn_NPS_GROUP`, derived
 * from the score) are ignored. A numeric answer's scale is not in the response, so it waits for a mapping
 * (`{"QID1": {"as": "nps"}}`) and is kept in metadata meanwhile.
 */
function defaultTarget(answer: SurveyAnswer): DefaultTarget {
  if (answer.questionId.endsWith('_NPS_GROUP')) return { as: 'ignore' };
  if (answer.questionId.endsWith('_TEXT')) return { as: 'text' };
  return typeof answer.value === 'number'
    ? {
        needsMapping: `question ${answer.questionId} is a number of unknown scale; map it as nps, csat or ces`,
      }
    : undefined;
}

function configOf(settings: Pick<SourceSettings, 'adapterConfig'>) {
  const config = QualtricsConfig.safeParse(settings.adapterConfig);
  if (!config.success)
    throw new Problem(500, 'source_misconfigured', 'The source has no Qualtrics datacenter');
  return config.data;
}

const NamedResponse = z.object({ surveyId: z.string(), responseId: z.string() });

async function fetchResponse(settings: SourceSettings, surveyId: string, responseId: string) {
  if (!settings.vendorToken)
    throw new Problem(500, 'source_misconfigured', 'The source has no Qualtrics API token');
  const base = settings.vendorApiUrls.qualtrics ?? `https://${configOf(settings).datacenter}.qualtrics.com`;
  const url = `${base}/API/v3/surveys/${encodeURIComponent(surveyId)}/responses/${encodeURIComponent(responseId)}`;
  const json = await readFromVendor('Qualtrics', url, { 'x-api-token': settings.vendorToken }, 'response');
  return parseVendorPayload(QualtricsResponse, json);
}

/**
 * Qualtrics survey responses through an event subscription to `surveyengine.completedResponse.{SurveyID}`
 * (https://api.qualtrics.com/docs/create-subscription: form-encoded `Topic` and `MSG`, signed in `HMAC` with the
 * subscription's sharedKey, which cxloop issues). The event names the response; cxloop records the delivery
 * at once and reads the answers from the Qualtrics API in the background with retries, so a Qualtrics outage
 * delays a response and loses none.
 */
export const qualtricsAdapter: ChannelAdapter = {
  name: 'qualtrics',
  mediaTypes: ['application/x-www-form-urlencoded'],
  successStatus: 200,
  validateConfig(config) {
    const parsed = QualtricsConfig.safeParse(config);
    return parsed.success ? undefined : parsed.error.issues.map((issue) => issue.message).join('; ');
  },
  signTest(secret, _settings, test) {
    const message = testEventJson(test);
    return {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ MSG: message, HMAC: qualtricsSignature(secret, message) }).toString(),
    };
  },
  async verify(delivery, secrets) {
    const { MSG: message, HMAC: signature } = firstValues(await delivery.form());
    if (!message || !signature) return rejections.missing('the MSG and HMAC fields', true);
    const offered = Buffer.from(signature, 'hex');
    const matched = anySecretMatches(secrets, offered, (secret) => hmac('sha512', secret, message));
    return matched ? { ok: true } : rejections.bad('HMAC');
  },
  async parse(delivery): Promise<AdapterOutput> {
    const event = parseVendorPayload(QualtricsEventForm, firstValues(await delivery.form()));
    if (!COMPLETED_RESPONSE_TOPIC.test(event.Topic)) {
      return { events: [], batch: false, ignored: `topic ${event.Topic} is not a completed response` };
    }
    const message = parseVendorPayload(QualtricsCompletedResponse, parseJsonBody(Buffer.from(event.MSG)));
    return {
      events: [],
      batch: false,
      fetchLater: [
        {
          key: `response:${message.ResponseID}`,
          payload: { surveyId: message.SurveyID, responseId: message.ResponseID },
        },
      ],
    };
  },
  async fetch(payload, settings): Promise<AdapterOutput> {
    const { surveyId, responseId } = NamedResponse.parse(payload);
    const { result } = await fetchResponse(settings, surveyId, responseId);
    const answers: SurveyAnswer[] = Object.entries(result.values)
      .filter(
        ([key, value]) => key.startsWith('QID') && (typeof value === 'number' || typeof value === 'string'),
      )
      .map(([key, value]) => ({
        questionId: key,
        value: value as number | string,
        path: `/result/values/${key}`,
      }));
    const mapped = mapSurveyAnswers(answers, settings.fieldMapping, defaultTarget);
    const customerField = settings.fieldMapping.customerRefField ?? 'externalDataReference';
    const recorded = result.values.recordedDate;
    return surveyResponseOutput({
      mapped,
      fieldMapping: settings.fieldMapping,
      responseId: result.responseId,
      customerRef: result.values[customerField],
      occurredAt: typeof recorded === 'string' ? new Date(recorded).toISOString() : undefined,
      vendor: 'qualtrics',
      vendorMetadata: { surveyId },
      answersPath: '/result/values',
    });
  },
};
