import { Role } from '@cxloop/contracts';
import { type Db, listApiKeys, revokeApiKey } from '@cxloop/db';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { AccessEvents } from '../auth/access-events.js';
import { principalOf, requireRole } from '../auth/plugin.js';
import { problems } from '../problems.js';
import { problemResponses, security } from './schemas.js';

/** A key as admins see it: never its secret (only a hash of it is stored anyway). */
const ApiKeyView = z.object({
  id: z.uuid(),
  name: z.string(),
  role: Role,
  memberId: z.uuid().nullable(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});

type ApiKeyRow = NonNullable<Awaited<ReturnType<typeof revokeApiKey>>>;

/** A key as listed to admins (API) and operators (CLI). */
export const presentApiKey = (key: ApiKeyRow): z.infer<typeof ApiKeyView> => ({
  id: key.id,
  name: key.name,
  role: key.role,
  memberId: key.member_id,
  createdAt: key.created_at.toISOString(),
  revokedAt: key.revoked_at?.toISOString() ?? null,
});

/**
 * Admins list their organisation's keys and revoke them. Revocation deletes the key's sessions and ends,
 * on every replica, the score streams opened with the key or its sessions.
 */
export async function apiKeyRoutes(
  app: FastifyInstance,
  deps: { db: Db; redis: Redis; accessEvents: AccessEvents; now?: () => Date },
) {
  const route = app.withTypeProvider<ZodTypeProvider>();
  const admins = requireRole(deps.db, 'admin');
  const now = deps.now ?? (() => new Date());

  route.get(
    '/v1/api-keys',
    {
      preHandler: admins,
      schema: {
        summary: "The organisation's API keys (without secrets), revoked ones included",
        tags: ['access'],
        security,
        response: { 200: z.object({ apiKeys: z.array(ApiKeyView) }), ...problemResponses(401, 403) },
      },
    },
    async (request) => ({
      apiKeys: (await listApiKeys(deps.db, principalOf(request).orgId)).map(presentApiKey),
    }),
  );

  route.post(
    '/v1/api-keys/:id/revoke',
    {
      preHandler: admins,
      schema: {
        summary: 'Revoke an API key: it, its dashboard sessions and their open streams stop working',
        description: 'Revoking a revoked key changes nothing and answers with its first revocation time.',
        tags: ['access'],
        security,
        params: z.object({ id: z.string() }),
        response: { 200: ApiKeyView, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      const { id } = request.params;
      const key = z.uuid().safeParse(id).success ? await revokeApiKey(deps.db, orgId, id, now()) : undefined;
      if (!key) throw problems.notFound('API key');
      await deps.accessEvents.announce(deps.redis, { kind: 'key_revoked', apiKeyId: key.id }, request.log);
      return presentApiKey(key);
    },
  );
}
