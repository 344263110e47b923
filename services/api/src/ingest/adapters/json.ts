import { storableJson } from '@cxloop/contracts';
import type { z } from 'zod';
import { fieldPath, fieldProblems, problems } from '../../problems.js';

export function parseJsonBody(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw problems.malformedJson(error instanceof Error ? error.message : 'unparseable');
  }
}

/** Deeper than any vendor's documented payload by far; a hostile document is refused at this depth. */
const MAX_VENDOR_PAYLOAD_DEPTH = 64;

/**
 * Validates a vendor payload; a mismatch is a 422 naming the vendor's field paths. Strings are made
 * storable first (NUL removed, lone surrogates replaced): a vendor cannot fix what its customer typed and
 * retries a refusal for hours, so an email or SMS with a NUL is stored without it rather than refused.
 */
export function parseVendorPayload<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const storable = storableJson(value, MAX_VENDOR_PAYLOAD_DEPTH);
  if (!storable.ok) {
    throw problems.invalidBody([
      { path: fieldPath(storable.path), message: `nested deeper than ${MAX_VENDOR_PAYLOAD_DEPTH} levels` },
    ]);
  }
  const parsed = schema.safeParse(storable.value);
  if (!parsed.success) throw problems.invalidBody(fieldProblems(parsed.error));
  return parsed.data;
}
