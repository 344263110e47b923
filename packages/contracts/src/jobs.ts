import { z } from 'zod';

/** Queue names are part of the contract between the API and the workers. */
export const queueNames = {
  analyze: 'analyze',
  aggregate: 'aggregate',
  score: 'score',
  outbound: 'outbound',
} as const;

/** `analyze` job: the job id is the feedback id, so enqueueing twice is a no-op. */
export const AnalyzeJob = z.object({ feedbackId: z.uuid(), orgId: z.uuid() }).strict();
export type AnalyzeJob = z.infer<typeof AnalyzeJob>;

/** `aggregate` job: count one analysed feedback into the rollups. The job id is the feedback id. */
export const AggregateJob = z.object({ feedbackId: z.uuid(), orgId: z.uuid() }).strict();
export type AggregateJob = z.infer<typeof AggregateJob>;

/**
 * `score` job: recompute an organisation's scores (enterprise and every unit) from its current evidence.
 * Requests are deduplicated per organisation, so the payload carries only what identifies the recompute.
 */
export const ScoreJob = z.object({ orgId: z.uuid() }).strict();
export type ScoreJob = z.infer<typeof ScoreJob>;

/**
 * `outbound` job: deliver one stored outbound message (a reply to a customer, an escalation notice) as a
 * signed webhook. The job id is the message id; the message row holds the content and the delivery state.
 */
export const OutboundJob = z.object({ messageId: z.uuid(), orgId: z.uuid() }).strict();
export type OutboundJob = z.infer<typeof OutboundJob>;
