import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Adapter, FeedbackEvent, FieldMapping } from '@cxloop/contracts';
import type { StoredFeedback } from '@cxloop/db';
import type { FastifyReply } from 'fastify';
import type { FormFields } from './form-body.js';
import type { SignedToken } from './replay-guard.js';
import type { StaffSurveyResponse } from './staff-responses.js';
import type { TestEvent, TestRequest } from './test-delivery.js';

/** One webhook request as an adapter sees it: raw bytes first, parsed views on demand. */
export interface InboundDelivery {
  headers: Record<string, string | string[] | undefined>;
  /** The exact bytes sent: signatures cover these, never a re-serialisation. */
  body: Buffer;
  /** Media type without parameters, lower case (`application/json`). */
  mediaType: string;
  /** The URL the sender called as seen from outside (PUBLIC_BASE_URL + path and query): Twilio signs it. */
  publicUrl: string;
  /** Form fields of a urlencoded or multipart body, parsed once. */
  form(): Promise<FormFields>;
  nowSeconds: number;
  toleranceSeconds: number;
}

export type RejectionReason =
  | 'missing_signature'
  | 'invalid_timestamp'
  | 'stale_timestamp'
  | 'bad_signature'
  | 'replayed_signature';

export type Verification =
  | {
      ok: true;
      /** The sender's id of this delivery, from which the generic channel derives missing ids. */
      deliveryId?: string;
      /** Set when the signature does not cover the body: the route refuses its reuse with another body. */
      signedToken?: SignedToken;
    }
  | { ok: false; reason: RejectionReason; detail: string };

/** The per-source settings an adapter maps with. */
export interface SourceSettings {
  sourceId: string;
  fieldMapping: FieldMapping;
  adapterConfig: Record<string, unknown>;
  /** The vendor API token (opened), for adapters that fetch what the webhook only names. */
  vendorToken?: string | undefined;
  /** Deployment-wide override of vendor API base URLs (tests, proxies); the adapter's default otherwise. */
  vendorApiUrls: VendorApiUrls;
}

export interface VendorApiUrls {
  surveymonkey?: string | undefined;
  hubspot?: string | undefined;
  qualtrics?: string | undefined;
}

export interface AdapterOutput {
  /** Canonical events; vendor adapters always set `externalId` from the vendor's own id. */
  events: FeedbackEvent[];
  /** The generic channel's `{events: [...]}` form: derived ids then need the event's index. */
  batch: boolean;
  /** Why a verified delivery stored nothing (a vendor's ping, an event type cxloop does not read). */
  ignored?: string;
  /**
   * What the webhook only names, to fetch from the vendor after the delivery is committed and answered
   * (`ChannelAdapter.fetch` turns it into events), so the vendor's API being down loses nothing.
   */
  fetchLater?: readonly { key: string; payload: Record<string, unknown> }[];
  /** Answers kept in metadata because their question needs a mapping: the delivery log and source say which. */
  needsMapping?: string;
  /** Answers mapped to staff survey questions (a survey source can receive staff responses). */
  staffResponse?: StaffSurveyResponse;
}

/**
 * A vendor's webhook: how its signature is checked and how its payload maps onto canonical feedback.
 * Adapters are pure apart from `fetch`, which reads from the vendor's API what a webhook only names.
 */
export interface ChannelAdapter {
  name: Adapter;
  /** Media types the vendor sends; anything else is 415. */
  mediaTypes: readonly string[];
  /** The status the vendor expects for "received, do not retry" (Mailgun and Intercom want exactly 200). */
  successStatus: 200 | 202;
  /**
   * The status the vendor reads as "refused, do not retry", for refusals no retry can change (see
   * `isPermanentRefusal`); absent when the vendor has none, and those refusals keep their own status.
   */
  permanentRefusalStatus?: number;
  /** Non-secret settings the adapter needs, checked when a source is created or changed. */
  validateConfig?(config: Record<string, unknown>): string | undefined;
  verify(
    delivery: InboundDelivery,
    secrets: readonly string[],
    settings: SourceSettings,
  ): Promise<Verification>;
  parse(delivery: InboundDelivery, settings: SourceSettings): Promise<AdapterOutput>;
  /**
   * cxloop's test event framed and signed as this vendor sends deliveries, with `secret` (the source's
   * current one): "Send test event" proves the URL, the secret and the source's state without the vendor.
   */
  signTest(secret: string, settings: Pick<SourceSettings, 'adapterConfig'>, test: TestEvent): TestRequest;
  /** Fetches what a delivery's `fetchLater` named, in the background; a Problem of status 4xx is final. */
  fetch?(payload: Record<string, unknown>, settings: SourceSettings): Promise<AdapterOutput>;
  /** A reply body other than cxloop's JSON, when the vendor expects one (Twilio: TwiML). */
  reply?(reply: FastifyReply, stored: readonly StoredFeedback[]): FastifyReply;
}

export function headerValue(headers: InboundDelivery['headers'], name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** HMAC of `parts` concatenated, as raw bytes. */
export function hmac(
  algorithm: 'sha1' | 'sha256' | 'sha512',
  key: string | Buffer,
  ...parts: (string | Buffer)[]
): Buffer {
  const mac = createHmac(algorithm, key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/** Constant-time comparison of an offered signature with the expected bytes; false on any length mismatch. */
export function signatureMatches(offered: Buffer, expected: Buffer): boolean {
  return offered.length === expected.length && timingSafeEqual(offered, expected);
}

/** The first secret for which `expected(secret)` equals the offered signature. */
export function anySecretMatches(
  secrets: readonly string[],
  offered: Buffer,
  expected: (secret: string) => Buffer,
): boolean {
  // Every secret is tried even after a match would be found, so timing does not reveal which one matched.
  let matched = false;
  for (const secret of secrets) matched = signatureMatches(offered, expected(secret)) || matched;
  return matched;
}

/** A signature header holding `<prefix><HMAC of the raw body>` (Typeform, Intercom, Delighted). */
export interface BodyHmacScheme {
  header: string;
  prefix: string;
  algorithm: 'sha1' | 'sha256';
  encoding: 'hex' | 'base64';
}

/** The header value a sender of `scheme` puts on `body`. */
export function bodyHmacSignature(scheme: BodyHmacScheme, secret: string, body: Buffer): string {
  return scheme.prefix + hmac(scheme.algorithm, secret, body).toString(scheme.encoding);
}

/** Checks a delivery's `scheme` header against every active secret. */
export function verifyBodyHmac(
  scheme: BodyHmacScheme,
  delivery: InboundDelivery,
  secrets: readonly string[],
): Verification {
  const header = headerValue(delivery.headers, scheme.header);
  if (!header) return rejections.missing(`the ${scheme.header} header`);
  if (!header.startsWith(scheme.prefix)) return rejections.bad(scheme.header);
  const offered = Buffer.from(header.slice(scheme.prefix.length), scheme.encoding);
  const matched = anySecretMatches(secrets, offered, (secret) =>
    hmac(scheme.algorithm, secret, delivery.body),
  );
  return matched ? { ok: true } : rejections.bad(scheme.header);
}

export const rejections = {
  missing: (what: string, plural = false): Verification => ({
    ok: false,
    reason: 'missing_signature',
    detail: `${what} ${plural ? 'are' : 'is'} required`,
  }),
  bad: (what: string): Verification => ({
    ok: false,
    reason: 'bad_signature',
    detail: `${what} does not match this source's signing secret`,
  }),
  stale: (what: string): Verification => ({
    ok: false,
    reason: 'stale_timestamp',
    detail: `${what} is too far from the current time`,
  }),
  invalidTimestamp: (what: string): Verification => ({
    ok: false,
    reason: 'invalid_timestamp',
    detail: `${what} is not a valid timestamp`,
  }),
};

/** Whether a sender's timestamp is within the tolerated clock skew. */
export function isFresh(delivery: InboundDelivery, timestampSeconds: number): boolean {
  return Math.abs(delivery.nowSeconds - timestampSeconds) <= delivery.toleranceSeconds;
}

/**
 * Whether a timestamp is one a vendor that retries with the original signature may still send: at most the
 * clock skew ahead, and no older than the vendor's retry window plus the skew.
 */
export function isWithinRetryWindow(
  delivery: InboundDelivery,
  timestampSeconds: number,
  retryWindowSeconds: number,
): boolean {
  const age = delivery.nowSeconds - timestampSeconds;
  return age >= -delivery.toleranceSeconds && age <= retryWindowSeconds + delivery.toleranceSeconds;
}

/** Why a verified-or-not delivery can never succeed however often it is sent again, as logged. */
const PERMANENT_REASONS = new Set<string>(['stale_timestamp', 'invalid_timestamp', 'replayed_signature']);

/**
 * Whether resending the same request can never change this refusal: its body is unreadable, too large or of
 * the wrong type, or its signature is too old or already used with another message. A bad or missing
 * signature is not permanent: only the vendor retries, so a genuine retry refused with 401 means the
 * source's key is wrong, and once an admin pastes the right key the retry succeeds.
 */
export function isPermanentRefusal(status: number, reason: string): boolean {
  return (
    status === 400 || status === 413 || status === 415 || status === 422 || PERMANENT_REASONS.has(reason)
  );
}
