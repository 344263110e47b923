import { createHash } from 'node:crypto';
import type { OutcomeEvent } from '@cxloop/contracts';
import { signWebhook } from '@cxloop/runtime';
import { mailgunSignature } from '../ingest/adapters/mailgun.js';
import { twilioSignature } from '../ingest/adapters/twilio.js';
import { typeformSignature } from '../ingest/adapters/typeform.js';
import { zendeskSignature } from '../ingest/adapters/zendesk.js';
import type { DemoChannel, DemoFeedback } from './feedback-plan.js';
import type { DemoHttp } from './http.js';

/** A connected source as the demo keeps it: where its webhook is and the secret the sender signs with. */
export interface DemoSource {
  id: string;
  webhookUrl: string;
  secret: string;
}
export type DemoSources = Record<DemoChannel, DemoSource>;

/** Typeform field ids of the demo's post-purchase survey. */
const TYPEFORM_FIELDS = [
  {
    id: 'nwNps001',
    ref: 'recommend',
    type: 'nps',
    title: 'How likely are you to recommend Northwind Living?',
  },
  {
    id: 'nwCsat01',
    ref: 'satisfaction',
    type: 'rating',
    title: 'How satisfied are you with your order?',
    // As Typeform's webhooks send it: no steps, so the source maps this question itself.
    properties: {},
  },
  { id: 'nwText01', ref: 'comment', type: 'long_text', title: 'What is the main reason for your score?' },
] as const;

/** The hidden Typeform field carrying the customer's reference (the source's `customerRefField`). */
export const TYPEFORM_CUSTOMER_FIELD = 'customer_id';

/** The demo's Typeform field mapping: a webhook does not say how many stars the rating has. */
export const TYPEFORM_FIELD_MAPPING = {
  customerRefField: TYPEFORM_CUSTOMER_FIELD,
  questions: { satisfaction: { as: 'csat', scale: { min: 1, max: 5 } } },
} as const;

function hexId(seed: string, length: number): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, length);
}

/** The path of a source's webhook: the demo posts to the API it talks to, whatever host the URL names. */
function webhookPath(source: DemoSource): string {
  return new URL(source.webhookUrl).pathname;
}

/** A feedback event of the generic JSON channel. */
export function genericEvent(feedback: DemoFeedback) {
  return {
    externalId: feedback.id,
    text: feedback.text,
    ratings: {
      ...(feedback.nps === undefined ? {} : { nps: feedback.nps }),
      ...(feedback.csat === undefined ? {} : { csat: feedback.csat }),
      ...(feedback.ces === undefined ? {} : { ces: feedback.ces }),
    },
    customerRef: feedback.customer.ref,
    occurredAt: feedback.occurredAt.toISOString(),
    touchpoint: feedback.touchpoint,
    locale: 'en-GB',
    unit: feedback.unit,
    metadata: { demo: true },
  };
}

function typeformResponse(feedback: DemoFeedback) {
  const [nps, csat, comment] = TYPEFORM_FIELDS;
  return {
    event_id: `ev${hexId(feedback.id, 10)}`,
    event_type: 'form_response',
    form_response: {
      form_id: 'NwPost01',
      token: hexId(feedback.id, 32),
      submitted_at: feedback.occurredAt.toISOString(),
      hidden: { [TYPEFORM_CUSTOMER_FIELD]: feedback.customer.ref },
      definition: { id: 'NwPost01', title: 'Northwind Living: after your order', fields: TYPEFORM_FIELDS },
      answers: [
        { type: 'number', number: feedback.nps ?? 7, field: { id: nps.id, type: nps.type, ref: nps.ref } },
        {
          type: 'number',
          number: feedback.csat ?? 3,
          field: { id: csat.id, type: csat.type, ref: csat.ref },
        },
        {
          type: 'text',
          text: feedback.text,
          field: { id: comment.id, type: comment.type, ref: comment.ref },
        },
      ],
    },
  };
}

function zendeskTicketCreated(feedback: DemoFeedback) {
  const ticketId = String(30_000 + (Number.parseInt(hexId(feedback.id, 6), 16) % 60_000));
  const at = feedback.occurredAt.toISOString();
  return {
    type: 'zen:event-type:ticket.created',
    account_id: 90_210_001,
    id: `zd-${hexId(feedback.id, 24)}`,
    time: at,
    zendesk_event_version: '2022-11-06',
    subject: `zen:ticket:${ticketId}`,
    detail: {
      id: ticketId,
      created_at: at,
      subject: feedback.subject,
      description: feedback.text,
      requester_id: feedback.customer.ref,
      status: 'NEW',
      via: { channel: 'web_form' },
    },
  };
}

/** The body of the satisfaction trigger an admin sets up in Zendesk (see the Zendesk adapter). */
function zendeskSatisfaction(feedback: DemoFeedback) {
  const satisfied = feedback.scenario.mood === 'praise' || feedback.scenario.mood === 'neutral';
  return {
    cxloop_event: 'satisfaction_rating',
    ticket_id: String(30_000 + (Number.parseInt(hexId(feedback.id, 6), 16) % 60_000)),
    rating: satisfied ? 'Good, I’m satisfied' : 'Bad, I’m unsatisfied',
    comment: feedback.text,
    requester_id: feedback.customer.ref,
  };
}

async function postJson(http: DemoHttp, source: DemoSource, body: string, headers: Record<string, string>) {
  await http.send({
    method: 'POST',
    path: webhookPath(source),
    headers: { ...headers, 'content-type': 'application/json' },
    body,
  });
}

async function postForm(http: DemoHttp, source: DemoSource, fields: Record<string, string>, headers = {}) {
  await http.send({
    method: 'POST',
    path: webhookPath(source),
    headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/**
 * Posts one feedback through its channel's real webhook, signed the way that vendor signs: Standard Webhooks
 * for the generic channel, Typeform-Signature, X-Zendesk-Webhook-Signature, X-Twilio-Signature (over the
 * public URL the API believes it is reached at), Mailgun's timestamp/token/signature fields.
 */
export async function sendFeedback(
  http: DemoHttp,
  sources: DemoSources,
  feedback: DemoFeedback,
  options: { zendeskSatisfaction?: boolean } = {},
): Promise<void> {
  const source = sources[feedback.channel];
  switch (feedback.channel) {
    case 'web': {
      const body = JSON.stringify(genericEvent(feedback));
      await postJson(
        http,
        source,
        body,
        signWebhook(source.secret, `msg_${feedback.id}`, nowSeconds(), body),
      );
      return;
    }
    case 'typeform': {
      const body = Buffer.from(JSON.stringify(typeformResponse(feedback)));
      await postJson(http, source, body.toString(), {
        'typeform-signature': typeformSignature(source.secret, body),
      });
      return;
    }
    case 'zendesk': {
      const payload = options.zendeskSatisfaction
        ? zendeskSatisfaction(feedback)
        : zendeskTicketCreated(feedback);
      const body = Buffer.from(JSON.stringify(payload));
      const timestamp = new Date().toISOString();
      await postJson(http, source, body.toString(), {
        'x-zendesk-webhook-signature': zendeskSignature(source.secret, timestamp, body),
        'x-zendesk-webhook-signature-timestamp': timestamp,
      });
      return;
    }
    case 'twilio': {
      const fields = {
        MessageSid: `SM${hexId(feedback.id, 32)}`,
        AccountSid: `AC${hexId('northwind-demo-account', 32)}`,
        From: feedback.customer.phone,
        To: '+447700900001',
        Body: feedback.text,
        NumMedia: '0',
        FromCountry: 'GB',
      };
      const params = new Map(Object.entries(fields).map(([name, value]) => [name, [value]]));
      await postForm(http, source, fields, {
        'x-twilio-signature': twilioSignature(source.secret, source.webhookUrl, params),
      });
      return;
    }
    case 'mailgun': {
      const timestamp = String(nowSeconds());
      const token = hexId(`${feedback.id}:token`, 50);
      await postForm(http, source, {
        timestamp,
        token,
        signature: mailgunSignature(source.secret, timestamp, token),
        sender: feedback.customer.email,
        from: `Northwind customer <${feedback.customer.email}>`,
        recipient: 'feedback@mg.northwind-living.example',
        subject: feedback.subject,
        'body-plain': feedback.text,
        'stripped-text': feedback.text,
        'Message-Id': `<${hexId(feedback.id, 20)}@mail.example.com>`,
      });
      return;
    }
  }
}

/**
 * Loads history into the generic source through the bulk import API (NDJSON, idempotent on externalId), the
 * way a CX team brings in last quarter's export.
 */
export async function importHistory(
  http: DemoHttp,
  source: DemoSource,
  adminKey: string,
  feedback: readonly DemoFeedback[],
): Promise<ImportCounts> {
  return importNdjson(http, `/v1/sources/${source.id}/imports`, adminKey, feedback.map(genericEvent));
}

/** A year of orders, refunds, renewals and cancellations through the source's outcome import. */
export async function importOutcomeHistory(
  http: DemoHttp,
  source: DemoSource,
  adminKey: string,
  outcomes: readonly OutcomeEvent[],
): Promise<ImportCounts> {
  return importNdjson(http, `/v1/sources/${source.id}/outcome-imports`, adminKey, outcomes);
}

export interface ImportCounts {
  created: number;
  duplicates: number;
  rejected: number;
}

/** One NDJSON import request; the demo's rows are all valid, so any refused row stops the demo. */
async function importNdjson(
  http: DemoHttp,
  path: string,
  adminKey: string,
  rows: readonly unknown[],
): Promise<ImportCounts> {
  if (rows.length === 0) return { created: 0, duplicates: 0, rejected: 0 };
  const response = await http.send({
    method: 'POST',
    path,
    apiKey: adminKey,
    headers: { 'content-type': 'application/x-ndjson' },
    body: `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`,
  });
  const report = response.json<ImportCounts & { errors: unknown[] }>();
  if (report.rejected > 0) {
    throw new Error(`the import refused ${report.rejected} demo rows: ${JSON.stringify(report.errors)}`);
  }
  return report;
}
