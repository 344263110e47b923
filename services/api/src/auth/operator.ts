import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether an offered secret equals the expected one, in time that does not depend on where they differ or
 * on their lengths (both are hashed to the same size first).
 */
export function sameSecret(offered: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(offered), digest(expected));
}

/** The token of `Authorization: Bearer <token>`, or undefined. */
export function bearerTokenOf(header: string | undefined): string | undefined {
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
}

/** How an operator credential arrived: `basic` is what a browser resends by itself, so it needs CSRF care. */
export interface OperatorCredential {
  token: string;
  scheme: 'bearer' | 'basic';
}

/**
 * The platform operator's credential: `Authorization: Bearer <OPERATOR_TOKEN>` from scripts, or HTTP Basic
 * with any user name and the token as password, which is what a browser prompts for on the queue board.
 */
export function operatorCredentialOf(header: string | undefined): OperatorCredential | undefined {
  const bearer = bearerTokenOf(header);
  if (bearer) return { token: bearer, scheme: 'bearer' };
  if (!header?.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 ? { token: decoded.slice(colon + 1), scheme: 'basic' } : undefined;
}

/** The `WWW-Authenticate` challenge that makes a browser ask for the operator token. */
export const OPERATOR_CHALLENGE = 'Basic realm="cxloop operator", charset="UTF-8"';
