import { Adapter } from '@cxloop/contracts';
import { type Db, findSource } from '@cxloop/db';
import type { SecretBox } from '@cxloop/runtime';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf, requireRole } from '../auth/plugin.js';
import { channelAdapters } from '../ingest/adapters/index.js';
import { problems } from '../problems.js';
import { webhookUrlOf } from '../sources/secrets.js';
import { ProblemResponse, problemResponses, security } from './schemas.js';

const TestDeliveryResult = z.object({
  /** The Standard Webhooks message id the test was signed with (generic sources); null for vendors. */
  webhookId: z.string().nullable(),
  /** What the webhook answered, exactly as a sender would have seen it. */
  status: z.number().int(),
  /** True when the webhook verified the delivery and would have accepted feedback. */
  delivered: z.boolean(),
  /** Why the webhook refused it (the problem's title and detail); null when delivered. */
  reason: z.string().nullable(),
});

/**
 * "Send test event" for a channel of any vendor. The dashboard cannot sign a delivery itself (the secret is
 * shown once, or was pasted from the vendor and is never shown again), so the server frames a test body as
 * the source's vendor sends deliveries, signs it with the source's current secret in the vendor's scheme
 * (`ChannelAdapter.signTest`) and hands it to the source's own webhook route in-process: rate limit,
 * signature check, paused state and delivery log are the ones the vendor meets. The test body stores no
 * feedback, so a test never counts towards scores. What it cannot prove is the vendor's side (the URL
 * pasted there, the events chosen): each vendor page in docs/vendors says how to test from the vendor.
 */
export async function sourceTestDeliveryRoutes(
  app: FastifyInstance,
  deps: { db: Db; secretBox: SecretBox; publicBaseUrl: string; now?: () => Date },
) {
  const now = deps.now ?? (() => new Date());
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/sources/:id/test-delivery',
    {
      preHandler: requireRole(deps.db, 'admin'),
      schema: {
        summary: "Send a signed test event through a source's webhook; it shows in the delivery log",
        description:
          "For sources of every adapter: the test is framed and signed as the source's vendor sends deliveries " +
          "(with the source's current secret). The answer reports what the webhook answered; a wrong secret, a " +
          'paused source or a rate limit shows here and in the log as it would for the vendor.',
        tags: ['sources'],
        security,
        params: z.object({ id: z.string() }),
        response: {
          200: TestDeliveryResult,
          ...problemResponses(401, 403, 404),
        },
      },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      const { id } = request.params;
      const source = z.uuid().safeParse(id).success ? await findSource(deps.db, orgId, id) : undefined;
      if (!source) throw problems.notFound('Source');
      const adapter = channelAdapters[Adapter.parse(source.adapter)];
      const signed = adapter.signTest(
        deps.secretBox.open(source.secret_ciphertext),
        { adapterConfig: source.adapter_config },
        { sentAt: now(), webhookUrl: webhookUrlOf(deps.publicBaseUrl, source) },
      );
      const answer = await app.inject({
        method: 'POST',
        url: `/v1/sources/${source.id}/events`,
        headers: signed.headers,
        payload: signed.payload,
      });
      const delivered = answer.statusCode >= 200 && answer.statusCode < 300;
      return {
        webhookId: signed.headers['webhook-id'] ?? null,
        status: answer.statusCode,
        delivered,
        reason: delivered ? null : reasonOf(answer.body),
      };
    },
  );
}

/** The refusal as a person reads it: the problem's title and detail. */
function reasonOf(body: string): string {
  const problem = ProblemResponse.partial().safeParse(safeJson(body));
  if (!problem.success || !problem.data.title) return body.slice(0, 200);
  return problem.data.detail ? `${problem.data.title}: ${problem.data.detail}` : problem.data.title;
}

function safeJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}
