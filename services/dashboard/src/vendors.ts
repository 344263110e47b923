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
      'In the SurveyMonkey developer portal, give your app the "View responses details" and "Create/modify webhooks" scopes.',
      `Create the webhook with POST /v3/webhooks: event_type "response_completed", object_type "survey", your survey ids, subscription_url ${webhookUrl}`,
      'SurveyMonkey checks the URL with a HEAD request first; cxloop answers it.',
      "cxloop verifies callbacks with the app's client ID and secret and reads the answers with the access token you entered.",
    ],
  },
  {
    adapter: 'twilio',
    label: 'Twilio SMS',
    channel: 'sms',
    steps: ({ webhookUrl }) => [
      'In the Twilio console open Phone Numbers → your number → Messaging configuration.',
      `"A message comes in": Webhook, HTTP POST, ${webhookUrl}`,
      "Twilio signs with your account's Auth Token (or a Webhook Rule's SharedKey secret), which you entered when connecting.",
    ],
  },
  {
    adapter: 'mailgun',
    label: 'Mailgun inbound email',
    channel: 'email',
    steps: ({ webhookUrl }) => [
      'In Mailgun open Receiving → Create route; match the address customers write to.',
      `Action: forward("${webhookUrl}")`,
      'Mailgun signs with your HTTP webhook signing key, which you entered when connecting.',
    ],
  },
  {
    adapter: 'zendesk',
    label: 'Zendesk',
    channel: 'helpdesk',
    steps: ({ webhookUrl }) => [
      'In Zendesk Admin Center open Apps and integrations → Webhooks → Create webhook.',
      `Endpoint URL: ${webhookUrl} (POST, JSON), subscribed to "Ticket created" events.`,
      "cxloop verifies with the webhook's signing secret, which you entered when connecting.",
      'For satisfaction ratings, add a trigger "Satisfaction is Bad/Good" that notifies this webhook with the JSON body in the README.',
    ],
  },
  {
    adapter: 'intercom',
    label: 'Intercom',
    channel: 'chat',
    steps: ({ webhookUrl }) => [
      'In the Intercom Developer Hub open your app → Webhooks.',
      `Endpoint URL: ${webhookUrl}; topics conversation.user.created, conversation.user.replied and conversation.rating.added.`,
      "Intercom signs with your app's client secret, which you entered when connecting.",
    ],
  },
  {
    adapter: 'delighted',
    label: 'Delighted',
    channel: 'survey',
    steps: ({ webhookUrl }) => [
      'In Delighted open Integrations → Webhooks.',
      `Paste ${webhookUrl} as the URL for "Response" (survey_response events) and save.`,
      "Delighted signs with your account's API key, which you entered when connecting.",
      'Press "Send test" in Delighted; the delivery log shows it.',
    ],
  },
  {
    adapter: 'hubspot',
    label: 'HubSpot feedback surveys',
    channel: 'survey',
    steps: ({ webhookUrl }) => [
      'In your HubSpot app open Webhooks and set the target URL:',
      `${webhookUrl}`,
      'Subscribe to object creation of "Feedback submission" (survey responses), then activate the subscription.',
      "HubSpot signs with your app's client secret; cxloop reads each response with the access token you entered.",
      'NPS and CES are read as they are; map CSAT with its scale under Field mapping.',
    ],
  },
  {
    adapter: 'qualtrics',
    label: 'Qualtrics',
    channel: 'survey',
    steps: ({ webhookUrl, signingSecret }) => [
      'Qualtrics event subscriptions are created through its API by a Brand Administrator (POST /API/v3/eventsubscriptions).',
      `Body: {"topics": "surveyengine.completedResponse.<your survey id>", "publicationUrl": "${webhookUrl}", "encrypt": false, "sharedKey": "${signingSecret ?? 'the signing secret you copied'}"}`,
      'One subscription per survey; cxloop reads each completed response with the API token you entered.',
      'Text entry answers are read as text; map numeric questions (e.g. {"QID1": {"as": "nps"}}) under Field mapping.',
    ],
  },
];

export function vendorGuide(adapter: string): VendorGuide {
  return VENDORS.find((vendor) => vendor.adapter === adapter) ?? VENDORS[0]!;
}
