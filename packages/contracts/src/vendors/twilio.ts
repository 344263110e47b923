import { z } from 'zod';

/** Twilio inbound SMS webhook parameters (twilio.com/docs/messaging/guides/webhook-request), form-encoded. */
export const TwilioInboundSms = z.looseObject({
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/, 'expected a Twilio message SID'),
  AccountSid: z.string().min(1),
  From: z.string().min(1),
  To: z.string().min(1),
  Body: z.string().default(''),
  NumMedia: z.string().optional(),
  FromCountry: z.string().optional(),
});
export type TwilioInboundSms = z.infer<typeof TwilioInboundSms>;
