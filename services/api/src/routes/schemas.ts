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

/** OpenAPI security requirement of routes that take an API key. */
export const security = [{ apiKey: [] }];
