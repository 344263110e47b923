import { z } from 'zod';

/**
 * Mailgun inbound route `forward()` POST (documentation.mailgun.com … receive-http): form-encoded, or
 * multipart when the email has attachments. The signature fields travel in the form itself.
 */
export const MailgunInboundMessage = z.looseObject({
  timestamp: z.string().regex(/^\d{1,12}$/, 'expected unix seconds'),
  token: z.string().min(1),
  signature: z.string().regex(/^[0-9a-f]{64}$/i, 'expected a hex HMAC-SHA256'),
  sender: z.string().min(1),
  from: z.string().optional(),
  recipient: z.string().optional(),
  subject: z.string().default(''),
  'body-plain': z.string().default(''),
  'stripped-text': z.string().optional(),
  'Message-Id': z.string().min(1),
});
export type MailgunInboundMessage = z.infer<typeof MailgunInboundMessage>;
