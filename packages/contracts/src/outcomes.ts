import { z } from 'zod';

export const outcomeKinds = ['purchase', 'refund', 'renewal', 'cancellation'] as const;
export const OutcomeKind = z.enum(outcomeKinds);
export type OutcomeKind = z.infer<typeof OutcomeKind>;

const attribute = z.string().trim().min(1).max(100);

/**
 * A customer outcome: what a customer did that is worth money (a purchase, a refund, a contract renewal
 * or cancellation). `externalId` is the idempotency key (order line, invoice or subscription event id):
 * a redelivery with the same id changes nothing. `segment`, `region` and `plan` set the customer's
 * attributes (the last one received wins).
 */
export const OutcomeEvent = z
  .object({
    type: z.literal('outcome'),
    externalId: z.string().trim().min(1).max(200),
    kind: OutcomeKind,
    customerRef: z.string().trim().min(1).max(200),
    occurredAt: z.iso.datetime({ offset: true }),
    amount: z.number().nonnegative().max(1e12).optional(),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR')
      .optional(),
    orderRef: z.string().trim().min(1).max(200).optional(),
    channel: attribute.optional(),
    segment: attribute.optional(),
    region: attribute.optional(),
    plan: attribute.optional(),
  })
  .strict()
  .refine((event) => event.kind === 'cancellation' || event.amount !== undefined, {
    message: 'amount is required for purchases, refunds and renewals',
    path: ['amount'],
  })
  .refine((event) => event.amount === undefined || event.currency !== undefined, {
    message: 'currency is required with an amount',
    path: ['currency'],
  });
export type OutcomeEvent = z.infer<typeof OutcomeEvent>;

export const OutcomeEventBatch = z.object({ events: z.array(OutcomeEvent).min(1).max(500) }).strict();
