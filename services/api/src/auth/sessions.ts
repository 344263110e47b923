import { createHash, randomBytes } from 'node:crypto';

/** The cookie that carries a dashboard session token: httpOnly, SameSite=Strict, never readable by scripts. */
export const SESSION_COOKIE = 'cxloop_session';

/**
 * Browsers send cookies with cross-site form posts only when SameSite allows it; this header is the second
 * line of defence: a request authenticated by the cookie that changes state must carry it, and a page of
 * another origin cannot set a custom header without a CORS preflight this API never grants.
 */
export const CSRF_HEADER = 'x-cxloop-csrf';

/** How long a dashboard session lasts after sign-in; a working day with some slack. */
export const SESSION_TTL_SECONDS = 12 * 3600;

export interface IssuedSession {
  token: string;
  tokenHash: string;
}

/** A session token has 256 random bits, so a fast hash is enough to store it. */
export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function issueSessionToken(): IssuedSession {
  const token = randomBytes(32).toString('base64url');
  return { token, tokenHash: hashSessionToken(token) };
}

/** The value of one cookie in a `Cookie` header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** `Set-Cookie` for a session; `maxAgeSeconds` 0 clears it. Secure whenever the request came over TLS. */
export function sessionCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  const attributes = [`${SESSION_COOKIE}=${token}`, 'Path=/', 'HttpOnly', 'SameSite=Strict'];
  attributes.push(`Max-Age=${maxAgeSeconds}`);
  if (secure) attributes.push('Secure');
  return attributes.join('; ');
}
