import type { Role } from '@cxloop/contracts';
import {
  type Db,
  findActiveApiKey,
  findActiveSession,
  findApiKeyMembership,
  isApiKeyActive,
} from '@cxloop/db';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { problems } from '../problems.js';
import { parseApiKey, secretMatches } from './api-keys.js';
import { CSRF_HEADER, hashSessionToken, readCookie, SESSION_COOKIE } from './sessions.js';

/** What a credential (API key, session) proves: the organisation, the role and the key. */
export interface Credential {
  orgId: string;
  role: Role;
  apiKeyId: string;
}

/** Who is calling: every org-scoped query takes `orgId` from here, never from the request. */
export interface Principal extends Credential {
  /** The person the key acts for (triage records who did what); null for keys of integrations. */
  memberId: string | null;
  /** The person's teams: the cases "claim next" hands them. */
  teamIds: string[];
  /** Set when the request came with a dashboard session: signing it out ends what it holds open. */
  sessionTokenHash?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** The principal of an API key (as sent in `Authorization: Bearer cxk_…`); 401 when unknown or revoked. */
export async function authenticateApiKey(db: Db, token: string): Promise<Principal> {
  const parsed = parseApiKey(token);
  const key = parsed ? await findActiveApiKey(db, parsed.lookup) : undefined;
  if (!parsed || !key || !secretMatches(parsed.secret, key.secret_hash)) {
    throw problems.unauthenticated('the API key is unknown or revoked');
  }
  return {
    orgId: key.org_id,
    role: key.role,
    apiKeyId: key.id,
    memberId: key.member_id,
    teamIds: key.team_ids,
  };
}

export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A state-changing request carried by the session cookie must show it comes from our own page: the
 * dashboard's CSRF header, or the browser's own `Sec-Fetch-Site: same-origin` (pages such as the queue
 * board that do not send the header). Another site's page can forge neither.
 */
function provesSameOrigin(request: FastifyRequest): boolean {
  return request.headers[CSRF_HEADER] !== undefined || request.headers['sec-fetch-site'] === 'same-origin';
}

/** The principal of a dashboard session cookie. */
async function principalOfSession(db: Db, request: FastifyRequest, token: string): Promise<Principal> {
  const sessionTokenHash = hashSessionToken(token);
  const session = await findActiveSession(db, sessionTokenHash, new Date());
  if (!session) throw problems.unauthenticated('the session has expired or was signed out; sign in again');
  if (!SAFE_METHODS.has(request.method) && !provesSameOrigin(request)) {
    throw problems.forbidden(`a request signed in by session cookie must send the ${CSRF_HEADER} header`);
  }
  return {
    orgId: session.orgId,
    role: session.role,
    apiKeyId: session.apiKeyId,
    sessionTokenHash,
    ...(await findApiKeyMembership(db, session.orgId, session.apiKeyId)),
  };
}

/**
 * Whether the principal's credential is still valid: its key not revoked and, for a session, not signed out
 * or expired. What stays open for a long time (score streams) asks again now and then.
 */
export async function stillAuthenticated(db: Db, principal: Principal): Promise<boolean> {
  if (principal.sessionTokenHash) {
    return (await findActiveSession(db, principal.sessionTokenHash, new Date())) !== undefined;
  }
  return isApiKeyActive(db, principal.orgId, principal.apiKeyId);
}

/** Whether the request brings a credential at all (a failure without one costs no lookup and is not a guess). */
export function presentsCredential(request: FastifyRequest): boolean {
  return (
    request.headers.authorization !== undefined ||
    readCookie(request.headers.cookie, SESSION_COOKIE) !== undefined
  );
}

/**
 * A preHandler that authenticates `Authorization: Bearer cxk_…` (scripts, integrations) or the dashboard's
 * session cookie, and checks the role. The bearer header wins when both are present.
 *
 * @example
 * app.get('/v1/feedback/:id', { preHandler: requireRole(db, 'admin', 'manager', 'responder') }, handler);
 */
export function requireRole(db: Db, ...allowed: Role[]) {
  const guard = async (request: FastifyRequest, _reply: FastifyReply) => {
    const header = request.headers.authorization;
    const bearer = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    const sessionToken = bearer ? undefined : readCookie(request.headers.cookie, SESSION_COOKIE);
    if (!bearer && !sessionToken) {
      throw problems.unauthenticated('send an API key as "Authorization: Bearer cxk_…" or sign in');
    }
    const credential = bearer
      ? await authenticateApiKey(db, bearer)
      : await principalOfSession(db, request, sessionToken!);
    if (!allowed.includes(credential.role)) {
      throw problems.forbidden(
        `this needs one of the roles ${allowed.join(', ')}; the key has role ${credential.role}`,
      );
    }
    request.principal = credential;
  };
  return Object.assign(guard, { [AUTH_GUARD]: true });
}

const AUTH_GUARD = Symbol('cxloop.authGuard');

/** Whether a route hook is a `requireRole` guard (the app moves guards ahead of body parsing). */
export function isAuthGuard(hook: unknown): boolean {
  return typeof hook === 'function' && AUTH_GUARD in hook;
}

/** The authenticated caller; only valid in routes guarded by `requireRole`. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('route is missing its requireRole guard');
  return request.principal;
}
