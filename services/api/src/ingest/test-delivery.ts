import { z } from 'zod';
import type { InboundDelivery } from './adapter.js';
import { firstValues } from './form-body.js';

/**
 * The body of a test delivery (`POST /v1/sources/:id/test-delivery`, the dashboard's "Send test event"),
 * in whatever framing the source's vendor uses: JSON for JSON vendors, form fields for form vendors. Each
 * adapter signs it with the vendor's scheme and the source's own secret, so a test proves the URL, the
 * secret and the source's state as a vendor delivery would; it stores no feedback, so testing a channel
 * never counts towards scores. Strict: no real vendor payload has exactly these fields.
 */
export const TestDeliveryBody = z
  .object({ type: z.literal('cxloop.test'), sentAt: z.iso.datetime() })
  .strict();

/** What the delivery log says of a test delivery that passed. */
export const TEST_DELIVERY_IGNORED = 'test event: URL, signature and source status verified; nothing stored';

/** A signed request as the vendor would send it: headers (content type included) and the exact body. */
export interface TestRequest {
  headers: Record<string, string>;
  payload: string;
}

/** What an adapter needs to sign a test: when it is sent and the URL it is sent to (Twilio signs the URL). */
export interface TestEvent {
  sentAt: Date;
  webhookUrl: string;
}

/** The test body as JSON text. */
export function testEventJson(test: TestEvent): string {
  return JSON.stringify(TestDeliveryBody.parse({ type: 'cxloop.test', sentAt: test.sentAt.toISOString() }));
}

/**
 * The test as a JSON vendor sends it: the body, and the headers `sign` derives from its bytes (signature,
 * timestamp), under the vendor's media type.
 */
export function signedJsonTest(
  test: TestEvent,
  sign: (body: Buffer) => Record<string, string>,
  mediaType = 'application/json',
): TestRequest {
  const payload = testEventJson(test);
  return { headers: { 'Content-Type': mediaType, ...sign(Buffer.from(payload)) }, payload };
}

/** The test body as form fields (signing fields are added by the adapter). */
export function testEventFields(test: TestEvent): Record<string, string> {
  return TestDeliveryBody.parse({ type: 'cxloop.test', sentAt: test.sentAt.toISOString() });
}

/** Form fields a vendor adds to sign a body (Mailgun, Qualtrics): not part of the test body itself. */
const SIGNING_FIELDS = new Set(['timestamp', 'token', 'signature', 'HMAC']);
/** A form vendor whose message travels as JSON in one field (Qualtrics' `MSG`) carries the test there. */
const MESSAGE_FIELD = 'MSG';
/** A test body is a few dozen bytes: anything longer is never parsed twice to find out. */
const TEST_BODY_MAX_BYTES = 256;

/** Whether a verified delivery is a test event rather than the vendor's data. */
export async function isTestDelivery(delivery: InboundDelivery): Promise<boolean> {
  if (delivery.body.length > TEST_BODY_MAX_BYTES) return false;
  if (delivery.mediaType === 'application/x-www-form-urlencoded') {
    const fields = firstValues(await delivery.form());
    const body = Object.fromEntries(Object.entries(fields).filter(([name]) => !SIGNING_FIELDS.has(name)));
    const names = Object.keys(body);
    if (names.length === 1 && names[0] === MESSAGE_FIELD) return isTestJson(body[MESSAGE_FIELD]!);
    return TestDeliveryBody.safeParse(body).success;
  }
  return delivery.mediaType.endsWith('json') && isTestJson(delivery.body.toString('utf8'));
}

function isTestJson(text: string): boolean {
  try {
    return TestDeliveryBody.safeParse(JSON.parse(text)).success;
  } catch {
    return false;
  }
}
