import { redactPii } from '@cxloop/text';

/**
 * What a role may see of customers: the one place that decides it (DESIGN invariant 8). Every route,
 * export and stream that returns customer text, references or metadata builds its answer through a
 * presenter that takes a `CustomerDataPolicy`, so a route cannot show customer data without deciding whose
 * eyes it is for.
 *
 * - `admin` and `responder` see customer data as it was sent: responders read the customer's words and
 *   recognise who wrote; admins set up sources and check their mappings.
 * - Everyone else — `manager`, and any role added later until it is listed here — sees it redacted:
 *   text with personal data replaced by its kind (`[EMAIL]`, `[PHONE]` …), customer references and external
 *   ids replaced by a keyed pseudonym (stable, so repeat contacts stay visible; not reversible without the
 *   server's key), metadata with its shape kept but every string and number replaced (and keys that are not
 *   plain field names left out), analysis keywords left out (they are words of the text), and free
 *   text written about a customer (case notes, dismiss and reopen reasons) withheld.
 *
 * Replies do not need the customer's address in anyone's hands: cxloop sends them through the source's reply
 * URL with the stored reference (docs/triage.md), so a responder answers from the case without copying it.
 */
export type CustomerDataAccess = 'as_sent' | 'redacted';

/** Roles that work with customers directly; any role not listed gets the redacted view. */
const AS_SENT_ROLES: ReadonlySet<string> = new Set(['admin', 'responder']);

export const REDACTED_VALUE = '[REDACTED]';

/** Keys an integrator would name a field; anything else (an email or a number used as a key) is left out. */
const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;

/** Makes the keyed stand-ins for personal values; the API's SecretBox in production. */
export interface Pseudonymiser {
  pseudonym(scope: string, value: string): string;
}

export interface CustomerDataPolicy {
  readonly access: CustomerDataAccess;
  /** Which feedback text a text search may match: searching the original would tell a hidden word is there. */
  readonly searchScope: 'original' | 'redacted';
  /** A feedback's text: as sent, or the analysis's redacted text (empty until analysed). */
  feedbackText(text: string, redactedText: string | null | undefined): { text: string; redacted: boolean };
  /** A customer reference or an external id. */
  reference<T extends string | null>(value: T): T;
  /** Free text people wrote about a customer: case notes, dismiss reasons. */
  freeText<T extends string | null>(value: T): T;
  /** A feedback's metadata (vendor details, unmapped answers, extra import columns). */
  metadata(value: Record<string, unknown>): Record<string, unknown>;
  /** A delivery log's body excerpt (already redacted when logged, but names and ids are not). */
  deliveryBody(value: string | null): string | null;
  /** The analysis's details: keywords are words of the text (a name is a word), so they go with it. */
  analysisDetails(details: Record<string, unknown>): Record<string, unknown>;
}

/** Analysis details that describe the text without quoting it. */
const DESCRIPTIVE_DETAILS = ['language', 'sentences', 'topics', 'flags', 'effort'];

function redactedMetadata(value: unknown): unknown {
  // Numbers too: a phone number or an account number sent as a JSON number is as personal as a string.
  if (typeof value === 'string' || typeof value === 'number') return REDACTED_VALUE;
  if (Array.isArray(value)) return value.map(redactedMetadata);
  if (value !== null && typeof value === 'object') {
    const kept: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      // A key is sender-chosen text too: one that is not a plain field name, or holds personal data, goes.
      if (PLAIN_KEY.test(key) && redactPii(key).spans.length === 0) kept[key] = redactedMetadata(inner);
    }
    return kept;
  }
  return value;
}

const asSent: CustomerDataPolicy = {
  access: 'as_sent',
  searchScope: 'original',
  feedbackText: (text: string) => ({ text, redacted: false }),
  reference: (value) => value,
  freeText: (value) => value,
  metadata: (value: Record<string, unknown>) => value,
  deliveryBody: (value: string | null) => value,
  analysisDetails: (details) => details,
};

function redactedPolicy(orgId: string, pseudonyms: Pseudonymiser): CustomerDataPolicy {
  return {
    access: 'redacted',
    searchScope: 'redacted',
    feedbackText: (_text, redactedText) => ({ text: redactedText ?? '', redacted: true }),
    reference: <T extends string | null>(value: T) =>
      (value === null ? null : pseudonyms.pseudonym(orgId, value)) as T,
    // Withheld whole, not run through the detector: a note names the customer in words no pattern finds.
    freeText: <T extends string | null>(value: T) => (value === null ? null : REDACTED_VALUE) as T,
    metadata: (value) => redactedMetadata(value) as Record<string, unknown>,
    // The log keeps an excerpt for debugging a source's set-up: nothing a non-admin needs.
    deliveryBody: () => null,
    analysisDetails: (details) =>
      Object.fromEntries(Object.entries(details).filter(([key]) => DESCRIPTIVE_DETAILS.includes(key))),
  };
}

/**
 * The policy for a caller of `role` in organisation `orgId`.
 * @example customerDataPolicy('manager', orgId, secretBox).reference('+447700900123') // 'p_5c1f…'
 */
export function customerDataPolicy(
  role: string,
  orgId: string,
  pseudonyms: Pseudonymiser,
): CustomerDataPolicy {
  return AS_SENT_ROLES.has(role) ? asSent : redactedPolicy(orgId, pseudonyms);
}
