import { Problem } from '../../problems.js';

const FETCH_TIMEOUT_MS = 10_000;

/**
 * Reads what a webhook only named from the vendor's API, for a background fetch (`ChannelAdapter.fetch`).
 * The answer's status steers the fetcher: the vendor unreachable or failing (5xx, 429) is 502 and retried
 * with backoff, so an outage delays and never loses; the object gone or the token refused (404, 401, 403)
 * is a final 422, since a retry soon would get the same answer; the admin retries from the channel page
 * once the token is fixed.
 *
 * @example const json = await readFromVendor('HubSpot', url, { authorization: `Bearer ${token}` }, 'survey response');
 */
export async function readFromVendor(
  vendor: string,
  url: string,
  headers: Record<string, string>,
  what: string,
): Promise<unknown> {
  const response = await fetch(url, {
    headers: { accept: 'application/json', ...headers },
    signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
  }).catch((error: unknown) => {
    throw new Problem(502, 'vendor_unavailable', `${vendor} could not be reached`, String(error));
  });
  const detail = `GET ${what} answered ${response.status}`;
  if (response.status === 401 || response.status === 403 || response.status === 404) {
    throw new Problem(422, 'vendor_refused', `${vendor} refused to return the ${what}`, detail);
  }
  if (!response.ok)
    throw new Problem(502, 'vendor_unavailable', `${vendor} did not return the ${what}`, detail);
  return response.json();
}
