import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API keys look like `cxk_<lookup>_<secret>`. The lookup finds the row; only a SHA-256 of the secret is
 * stored (the secret has 192 random bits, so a fast hash is enough).
 */
const KEY_PATTERN = /^cxk_([0-9a-f]{16})_([A-Za-z0-9_-]{32})$/;

export interface IssuedApiKey {
  plaintext: string;
  lookup: string;
  secretHash: string;
}

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function issueApiKey(): IssuedApiKey {
  const lookup = randomBytes(8).toString('hex');
  const secret = randomBytes(24).toString('base64url');
  return { plaintext: `cxk_${lookup}_${secret}`, lookup, secretHash: hashSecret(secret) };
}

export function parseApiKey(plaintext: string): { lookup: string; secret: string } | undefined {
  const match = KEY_PATTERN.exec(plaintext);
  return match ? { lookup: match[1]!, secret: match[2]! } : undefined;
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const offered = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return offered.length === stored.length && timingSafeEqual(offered, stored);
}
