import { z } from 'zod';

/** RFC 9457 problem details as every error response carries them. */
export const ProblemResponse = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

/** A note staff wrote on a case or a comment on an action, as answered when it is added. */
export const StaffNoteView = z.object({
  id: z.uuid(),
  body: z.string(),
  authorMemberId: z.uuid().nullable(),
  createdAt: z.string(),
});

/** OpenAPI security requirement of routes that take an API key. */
export const security = [{ apiKey: [] }];

/**
 * The problem+json responses of a route, by status, for its schema's `response`. Routes behind an API key
 * list 401 and also answer 429 (the key's rate limit), which is added for them.
 *
 * @example response: { 200: CaseView, ...problemResponses(401, 403, 404) }
 */
export function problemResponses(...statuses: number[]): Record<number, typeof ProblemResponse> {
  const all = statuses.includes(401) && !statuses.includes(429) ? [...statuses, 429] : statuses;
  return Object.fromEntries(all.map((status) => [status, ProblemResponse]));
}
