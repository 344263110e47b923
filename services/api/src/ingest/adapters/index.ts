import type { Adapter } from '@cxloop/contracts';
import type { ChannelAdapter } from '../adapter.js';
import { delightedAdapter } from './delighted.js';
import { genericAdapter } from './generic.js';
import { hubspotAdapter } from './hubspot.js';
import { intercomAdapter } from './intercom.js';
import { mailgunAdapter } from './mailgun.js';
import { qualtricsAdapter } from './qualtrics.js';
import { surveyMonkeyAdapter } from './surveymonkey.js';
import { twilioAdapter } from './twilio.js';
import { typeformAdapter } from './typeform.js';
import { zendeskAdapter } from './zendesk.js';

/** Adapters by name; a source's `adapter` column picks one. */
export const channelAdapters: Record<Adapter, ChannelAdapter> = {
  generic: genericAdapter,
  typeform: typeformAdapter,
  surveymonkey: surveyMonkeyAdapter,
  twilio: twilioAdapter,
  mailgun: mailgunAdapter,
  zendesk: zendeskAdapter,
  intercom: intercomAdapter,
  delighted: delightedAdapter,
  hubspot: hubspotAdapter,
  qualtrics: qualtricsAdapter,
};
