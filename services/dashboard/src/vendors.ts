/**
 * How to point each vendor's webhook at cxloop, step by step. The URL and secret are filled in when a source
 * is created; the steps name the vendor's own menus so a CX team can follow them without our help.
 */
export interface VendorGuide {
  adapter: string;
  label: string;
  channel: string;
  steps: (source: { webhookUrl: string; signingSecret?: string }) => string[];
}

const secretStep = (secret?: string) =>
  secret
    ? `Paste the signing secret: ${secret}`
    : 'Paste the signing secret you copied when the channel was created.';

export const VENDORS: readonly VendorGuide[] = [
  {
    adapter: 'generic',
    label: 'Our JSON webhook (any system)',
    channel: 'web',
    steps: ({ webhookUrl, signingSecret }) => [
      `POST each event as JSON to ${webhookUrl}`,
      'Sign it per Standard Webhooks: headers webhook-id, webhook-timestamp and webhook-signature (v1, HMAC-SHA256).',
      secretStep(signingSecret),
      'Send {"externalId": "…", "text": "…", "ratings": {"nps": 0–10}}; a redelivery with the same externalId is ignored.',
    ],
  },
  {
    adapter: 'typeform',
    label: 'Typeform',
    channel: 'survey',
    steps: ({ webhookUrl, signingSecret }) => [
      'In Typeform open the form → Connect → Webhooks → Add a webhook.',
      `Endpoint: ${webhookUrl}`,
      `Under Edit → Secret: ${signingSecret ?? 'the signing secret you copied'}`,
      'Turn the webhook on and press "Send test request".',
    ],
  },
  {
    adapter: 'surveymonkey',
    label: 'SurveyMonkey',
    channel: 'survey',
    steps: ({ webhookUrl }) => [
      'In SurveyMonkey create a webhook for the survey (API → Webhooks, event "response_completed").',
      `Subscription URL: ${webhookUrl}`,
      "SurveyMonkey signs with your app's API secret: enter it here when asked.",
    ],
  },
  {
    adapter: 'twilio',
    label: 'Twilio SMS',
    channel: 'sms',
    steps: ({ webhookUrl }) => [
      'In the Twilio console open Phone Numbers → your number → Messaging configuration.',
      `"A message comes in": Webhook, HTTP POST, ${webhookUrl}`,
      "Twilio signs with your account's Auth Token: enter it as the signing secret.",
    ],
  },
  {
    adapter: 'mailgun',
    label: 'Mailgun inbound email',
    channel: 'email',
    steps: ({ webhookUrl }) => [
      'In Mailgun open Receiving → Create route; match the address customers write to.',
      `Action: forward("${webhookUrl}")`,
      'Mailgun signs with your HTTP webhook signing key: enter it as the signing secret.',
    ],
  },
  {
    adapter: 'zendesk',
    label: 'Zendesk',
    channel: 'helpdesk',
    steps: ({ webhookUrl, signingSecret }) => [
      'In Zendesk Admin Center open Apps and integrations → Webhooks → Create webhook.',
      `Endpoint URL: ${webhookUrl} (POST, JSON)`,
      secretStep(signingSecret),
      'Connect it to a trigger on ticket comments or satisfaction ratings.',
    ],
  },
  {
    adapter: 'intercom',
    label: 'Intercom',
    channel: 'chat',
    steps: ({ webhookUrl }) => [
      'In the Intercom Developer Hub open your app → Webhooks.',
      `Endpoint URL: ${webhookUrl}; topics conversation.user.replied and conversation.rating.added.`,
      "Intercom signs with your app's client secret: enter it as the signing secret.",
    ],
  },
];

export function vendorGuide(adapter: string): VendorGuide {
  return VENDORS.find((vendor) => vendor.adapter === adapter) ?? VENDORS[0]!;
}
