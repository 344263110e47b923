import { Role, roles } from '@cxloop/contracts';
import { createSession, type Db, deleteExpiredSessions, deleteSession, findOrganisation } from '@cxloop/db';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { AccessEvents } from '../auth/access-events.js';
import type { FailedAuthLimit } from '../auth/failed-auth-limit.js';
import { authenticateApiKey, principalOf, requireRole } from '../auth/plugin.js';
import {
  hashSessionToken,
  issueSessionToken,
  readCookie,
  SESSION_COOKIE,
  SESSION_TTL_SECONDS,
  sessionCookie,
} from '../auth/sessions.js';
import { problems } from '../problems.js';
import { ProblemResponse, problemResponses, security } from './schemas.js';

const SessionView = z.object({
  orgId: z.uuid(),
  orgName: z.string(),
  role: Role,
});

const SignIn = z.object({ apiKey: z.string().min(1).max(200) }).strict();

/**
 * The cookie is `Secure` when the browser reached us over https: directly, or through a proxy trusted by
 * TRUST_PROXY that says so in `X-Forwarded-Proto` (Fastify's `request.protocol` believes only those).
 */
function isTls(request: FastifyRequest): boolean {
  return request.protocol === 'https';
}

/**
 * Dashboard sign-in. A browser pastes an API key once and gets a session cookie in exchange; the key itself
 * is never stored in the browser. The session acts with the key's organisation and role.
 */
export async function sessionRoutes(
  app: FastifyInstance,
  deps: { db: Db; redis: Redis; accessEvents: AccessEvents; authFailures: FailedAuthLimit },
) {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const anyRole = requireRole(deps.db, ...roles);

  async function describe(orgId: string, role: Role) {
    const org = await findOrganisation(deps.db, orgId);
    if (!org) throw problems.unauthenticated('the organisation of this key no longer exists');
    return { orgId, orgName: org.name, role };
  }

  routes.post(
    '/v1/session',
    {
      schema: {
        summary: 'Sign in to the dashboard with an API key; sets an httpOnly session cookie',
        tags: ['session'],
        body: SignIn,
        // Not behind an API key yet: no key rate limit, but failed sign-ins count per address (429).
        response: { 200: SessionView, 401: ProblemResponse, 422: ProblemResponse, 429: ProblemResponse },
      },
    },
    async (request, reply) => {
      const principal = await deps.authFailures.attempt(request.ip, () =>
        authenticateApiKey(deps.db, request.body.apiKey),
      );
      const now = new Date();
      await deleteExpiredSessions(deps.db, now);
      const issued = issueSessionToken();
      await createSession(deps.db, principal.orgId, {
        tokenHash: issued.tokenHash,
        apiKeyId: principal.apiKeyId,
        expiresAt: new Date(now.getTime() + SESSION_TTL_SECONDS * 1000),
      });
      reply.header('set-cookie', sessionCookie(issued.token, SESSION_TTL_SECONDS, isTls(request)));
      reply.header('cache-control', 'no-store');
      return describe(principal.orgId, principal.role);
    },
  );

  routes.get(
    '/v1/session',
    {
      preHandler: anyRole,
      schema: {
        summary: 'Who is signed in (session cookie or API key)',
        tags: ['session'],
        security,
        response: { 200: SessionView, ...problemResponses(401) },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      return describe(principal.orgId, principal.role);
    },
  );

  routes.delete(
    '/v1/session',
    {
      schema: {
        summary: 'Sign out: ends the session and clears its cookie',
        tags: ['session'],
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const token = readCookie(request.headers.cookie, SESSION_COOKIE);
      if (token) {
        const sessionTokenHash = hashSessionToken(token);
        await deleteSession(deps.db, sessionTokenHash);
        await deps.accessEvents.announce(
          deps.redis,
          { kind: 'session_ended', sessionTokenHash },
          request.log,
        );
      }
      reply.header('set-cookie', sessionCookie('', 0, isTls(request)));
      return reply.code(204).send(null);
    },
  );
}
