import type { z } from 'zod';
import { fieldProblems, problems } from '../../problems.js';

export function parseJsonBody(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw problems.malformedJson(error instanceof Error ? error.message : 'unparseable');
  }
}

/** Validates a vendor payload; a mismatch is a 422 naming the vendor's field paths. */
export function parseVendorPayload<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw problems.invalidBody(fieldProblems(parsed.error));
  return parsed.data;
}
