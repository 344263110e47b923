import { HubSpotFeedbackSubmission, HubSpotWebhookBatch, type HubSpotWebhookEvent } from '@cxloop/contracts';
import { z } from 'zod';
import { Problem } from '../../problems.js';
import {
  type AdapterOutput,
  anySecretMatches,
  type ChannelAdapter,
  headerValue,
  hmac,
  rejections,
  type SourceSettings,
} from '../adapter.js';
import {
  type DefaultTarget,
  mapSurveyAnswers,
  type SurveyAnswer,
  surveyResponseOutput,
} from '../survey-mapping.js';
import { signedJsonTest } from '../test-delivery.js';
import { vendorInstant } from './canonical.js';
import { parseJsonBody, parseVendorPayload } from './json.js';
import { readFromVendor } from './vendor-api.js';

const SIGNATURE_HEADER = 'X-HubSpot-Signature-v3';
const TIMESTAMP_HEADER = 'X-HubSpot-Request-Timestamp';
/** HubSpot's rule: "Reject the request if the timestamp is older than 5 minutes." */
const MAX_AGE_MS = 5 * 60 * 1000;
const API_BASE = 'https://api.hubapi.com';
/** HubSpot's object type id of feedback submissions (survey responses) in generic webhook subscriptions. */
const FEEDBACK_SUBMISSION_TYPE = '0-19';
/** What cxloop reads of a survey response (HubSpot's default feedback submission properties). */
const SUBMISSION_PROPERTIES = [
  'hs_survey_type',
  'hs_response_value',
  'hs_content',
  'hs_submission_timestamp',
  'hs_sentiment',
  'hs_survey_id',
  'hs_survey_channel',
];

/**
 * The characters HubSpot decodes in the request URI before signing ("Validate the v3 request signature":
 * %3A → `:`, %2F → `/`, %3F → `?`, %40 → `@`, %21 → `!`, %24 → `$`, %27 → `'`, %28 → `(`, %29 → `)`,
 * %2A → `*`, %2C → `,`, %3B → `;`); anything else stays encoded.
 */
const DECODED_IN_URI: Readonly<Record<string, string>> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
};

function signedUri(url: string): string {
  return url.replace(
    /%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi,
    (match) => DECODED_IN_URI[match.toUpperCase()]!,
  );
}

/**
 * HubSpot's v3 request signature: base64 HMAC-SHA256, keyed with the app's client secret, of method + URI
 * + raw body + the `X-HubSpot-Request-Timestamp` value (milliseconds)
 * (https://developers.hubspot.com/docs/apps/developer-platform/build-apps/authentication/request-validation).
 *
 * @example hubspotSignature(secret, 'POST', 'https://cx.example.com/v1/sources/…/events', body, '1733580000000')
 */
export function hubspotSignature(
  clientSecret: string,
  method: string,
  url: string,
  body: Buffer,
  timestamp: string,
): string {
  return hmac('sha256', clientSecret, method, signedUri(url), body, timestamp).toString('base64');
}

/** Creations of survey responses are feedback; every other event a subscription may send is not read. */
function isNewSurveyResponse(event: HubSpotWebhookEvent): boolean {
  return event.subscriptionType === 'object.creation' && event.objectTypeId === FEEDBACK_SUBMISSION_TYPE;
}

const NamedSubmission = z.object({ submissionId: z.string(), portalId: z.string(), eventId: z.string() });

/**
 * Defaults by HubSpot survey type: NPS is 0–10 and CES 1–7 as in cxloop, the comment is the text. CSAT and
 * custom surveys are not guessed (HubSpot's CSAT scale depends on how the survey was built): the admin maps
 * `CSAT` (with its scale) in the source's field mapping, and meanwhile the value is kept in metadata.
 */
function defaultTarget(answer: SurveyAnswer): DefaultTarget {
  switch (answer.questionId) {
    case 'NPS':
      return { as: 'nps' };
    case 'CES':
      return { as: 'ces' };
    case 'hs_content':
      return { as: 'text' };
    default:
      return { needsMapping: `HubSpot ${answer.questionId} answers need a mapping with their scale` };
  }
}

async function fetchSubmission(settings: SourceSettings, submissionId: string) {
  if (!settings.vendorToken) {
    throw new Problem(500, 'source_misconfigured', 'The source has no HubSpot access token');
  }
  const base = settings.vendorApiUrls.hubspot ?? API_BASE;
  const url = `${base}/crm/v3/objects/feedback_submissions/${encodeURIComponent(submissionId)}?properties=${SUBMISSION_PROPERTIES.join(',')}`;
  const json = await readFromVendor(
    'HubSpot',
    url,
    { authorization: `Bearer ${settings.vendorToken}` },
    'survey response',
  );
  return parseVendorPayload(HubSpotFeedbackSubmission, json);
}

/**
 * HubSpot survey responses (NPS, CES, CSAT and custom feedback surveys). HubSpot's webhooks only name the
 * object created, so the delivery is recorded at once (2xx after commit) and each response is read from
 * HubSpot's CRM API in the background with the app's access token, with retries, so a HubSpot API outage
 * delays a response and never loses it.
 */
export const hubspotAdapter: ChannelAdapter = {
  name: 'hubspot',
  mediaTypes: ['application/json'],
  successStatus: 202,
  signTest(secret, _settings, test) {
    const timestamp = String(test.sentAt.getTime());
    return signedJsonTest(test, (body) => ({
      [SIGNATURE_HEADER]: hubspotSignature(secret, 'POST', test.webhookUrl, body, timestamp),
      [TIMESTAMP_HEADER]: timestamp,
    }));
  },
  async verify(delivery, secrets) {
    const signature = headerValue(delivery.headers, SIGNATURE_HEADER);
    const timestamp = headerValue(delivery.headers, TIMESTAMP_HEADER);
    if (!signature || !timestamp)
      return rejections.missing(`${SIGNATURE_HEADER} and ${TIMESTAMP_HEADER}`, true);
    if (!/^\d{1,15}$/.test(timestamp)) return rejections.invalidTimestamp(TIMESTAMP_HEADER);
    const ageMs = delivery.nowSeconds * 1000 - Number(timestamp);
    if (ageMs > MAX_AGE_MS || ageMs < -delivery.toleranceSeconds * 1000)
      return rejections.stale(TIMESTAMP_HEADER);
    const offered = Buffer.from(signature, 'base64');
    const matched = anySecretMatches(secrets, offered, (secret) =>
      Buffer.from(hubspotSignature(secret, 'POST', delivery.publicUrl, delivery.body, timestamp), 'base64'),
    );
    return matched
      ? { ok: true }
      : rejections.bad(
          `${SIGNATURE_HEADER} (signed over ${delivery.publicUrl}; behind a proxy set PUBLIC_BASE_URL)`,
        );
  },
  async parse(delivery): Promise<AdapterOutput> {
    const events = parseVendorPayload(HubSpotWebhookBatch, parseJsonBody(delivery.body));
    const responses = events.filter(isNewSurveyResponse);
    if (responses.length === 0) {
      const types = [...new Set(events.map((event) => event.subscriptionType))].join(', ');
      return { events: [], batch: false, ignored: `events ${types} name no new survey response` };
    }
    return {
      events: [],
      batch: false,
      // One fetch per response, keyed by its id: a retried or regrouped delivery records nothing new.
      fetchLater: responses.map((event) => ({
        key: `feedback_submission:${event.objectId}`,
        payload: { submissionId: event.objectId, portalId: event.portalId, eventId: event.eventId },
      })),
    };
  },
  async fetch(payload, settings): Promise<AdapterOutput> {
    const { submissionId, portalId, eventId } = NamedSubmission.parse(payload);
    const submission = await fetchSubmission(settings, submissionId);
    const { properties } = submission;
    const answers: SurveyAnswer[] = [];
    const surveyType = properties.hs_survey_type?.trim().toUpperCase();
    const value = properties.hs_response_value;
    if (surveyType && value !== null && value !== undefined && value.trim() !== '') {
      const numeric = Number(value);
      answers.push({
        questionId: surveyType,
        value: Number.isFinite(numeric) ? numeric : value,
        path: '/properties/hs_response_value',
      });
    }
    if (properties.hs_content?.trim()) {
      answers.push({
        questionId: 'hs_content',
        value: properties.hs_content,
        path: '/properties/hs_content',
      });
    }
    const mapped = mapSurveyAnswers(answers, settings.fieldMapping, defaultTarget);
    return surveyResponseOutput({
      mapped,
      fieldMapping: settings.fieldMapping,
      responseId: `feedback_submission:${submission.id}`,
      customerRef: undefined,
      occurredAt: vendorInstant(properties.hs_submission_timestamp ?? submission.createdAt),
      vendor: 'hubspot',
      vendorMetadata: {
        submissionId: submission.id,
        portalId,
        eventId,
        ...(properties.hs_survey_id ? { surveyId: properties.hs_survey_id } : {}),
        ...(properties.hs_survey_channel ? { surveyChannel: properties.hs_survey_channel } : {}),
        ...(properties.hs_sentiment ? { sentiment: properties.hs_sentiment } : {}),
      },
      answersPath: '/properties',
    });
  },
};
