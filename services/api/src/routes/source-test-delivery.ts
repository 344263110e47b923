import { randomUUID } from 'node:crypto';
import { type Db, findSource } from '@cxloop/db';
import { type SecretBox, signWebhook } from '@cxloop/runtime';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf, requireRole } from '../auth/plugin.js';
import { TestDeliveryBody } from '../ingest/adapters/generic.js';
import { Problem, problems } from '../problems.js';
import { ProblemResponse, problemResponses, security } from './schemas.js';

const TestDeliveryResult = z.object({
  /** The Standard Webhooks message id the test was signed with. */
  webhookId: z.string(),
  /** What the webhook answered, exactly as a sender would have seen it. */
  status: z.number().int(),
  /** True when the webhook verified the delivery and would have accepted feedback. */
  delivered: z.boolean(),
  /** Why the webhook refused it (the problem's title and detail); null when delivered. */
  reason: z.string().nullable(),
});

/**
 * "Send test event" for a channel. The dashboard cannot sign a delivery itself (the secret is shown once),
 * so the server signs a test body with the source's current secret and hands it to the source's own webhook
 * route in-process: rate limit, signature check, paused state and delivery log are the ones a real sender
 * meets. The test body stores no feedback, so a test never counts towards scores.
 */
export async function sourceTestDeliveryRoutes(
  app: FastifyInstance,
  deps: { db: Db; secretBox: SecretBox; now?: () => Date },
) {
  const now = deps.now ?? (() => new Date());
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/sources/:id/test-delivery',
    {
      preHandler: requireRole(deps.db, 'admin'),
      schema: {
        summary: "Send a signed test event through a source's webhook; it shows in the delivery log",
        description:
          'For sources of the generic adapter (cxloop issues their secret). The answer reports what the webhook ' +
          'answered; a paused source or a rate limit shows here and in the log as it would for the sender.',
        tags: ['sources'],
        security,
        params: z.object({ id: z.string() }),
        response: {
          200: TestDeliveryResult,
          ...problemResponses(401, 403, 404, 409),
        },
      },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      const { id } = request.params;
      const source = z.uuid().safeParse(id).success ? await findSource(deps.db, orgId, id) : undefined;
      if (!source) throw problems.notFound('Source');
      if (source.adapter !== 'generic') {
        throw new Problem(
          409,
          'test_delivery_unsupported',
          'Test deliveries are for the generic channel',
          `a ${source.adapter} source is signed by the vendor; send a test from the vendor's webhook settings`,
        );
      }

      const sentAt = now();
      const body = JSON.stringify(
        TestDeliveryBody.parse({ type: 'cxloop.test', sentAt: sentAt.toISOString() }),
      );
      const webhookId = `msg_test_${randomUUID()}`;
      const secret = deps.secretBox.open(source.secret_ciphertext);
      const answer = await app.inject({
        method: 'POST',
        url: `/v1/sources/${source.id}/events`,
        headers: {
          ...signWebhook(secret, webhookId, Math.floor(sentAt.getTime() / 1000), body),
          'content-type': 'application/json',
        },
        payload: body,
      });
      const delivered = answer.statusCode >= 200 && answer.statusCode < 300;
      return {
        webhookId,
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
