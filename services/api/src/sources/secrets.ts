import { type Adapter, adapterSettings } from '@cxloop/contracts';
import type { Source } from '@cxloop/db';
import { generateSigningSecret } from '@cxloop/runtime';
import { problems } from '../problems.js';

/** How long a rotated-out secret keeps verifying unless the admin says otherwise: a day to switch senders. */
export const DEFAULT_ROTATION_OVERLAP_SECONDS = 24 * 60 * 60;
export const MAX_ROTATION_OVERLAP_SECONDS = 7 * 24 * 60 * 60;

/**
 * The signing secret of a new or rotated source. cxloop generates it unless the vendor issues the key
 * (Twilio's auth token, Mailgun's webhook signing key, Zendesk's webhook secret, Intercom's client secret),
 * in which case the admin must paste it. `generated` tells the caller to show the secret once.
 */
export function signingSecretFor(
  adapter: Adapter,
  offered: string | undefined,
): { secret: string; generated: boolean } {
  const { secret } = adapterSettings[adapter];
  if (offered) return { secret: offered, generated: false };
  if (secret.issuedBy === 'vendor') {
    throw problems.invalidBody([
      {
        path: '/secret',
        message: `the ${adapter} adapter verifies with a key ${adapter} issues (${secret.label}); paste it here`,
      },
    ]);
  }
  return { secret: generateSigningSecret(), generated: true };
}

/** The public webhook URL of a source: the same path for every adapter. */
export function webhookUrlOf(publicBaseUrl: string, source: Pick<Source, 'id'>): string {
  return `${publicBaseUrl}/v1/sources/${source.id}/events`;
}
