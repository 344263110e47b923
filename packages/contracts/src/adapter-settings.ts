import type { Adapter } from './sources.js';

/** One non-secret setting of an adapter (`adapterConfig` key), as a form asks for it. */
export interface AdapterSettingField {
  key: string;
  label: string;
  help: string;
  required: boolean;
  /** A closed list of values; absent for free text. */
  options?: readonly string[];
}

/** What only the vendor can give cxloop: pasted by the admin, stored encrypted, never shown again. */
export interface VendorSecretField {
  label: string;
  help: string;
}

/**
 * What connecting a source of one adapter needs, declared once (zod-free, so the dashboard can import it
 * as `@cxloop/contracts/adapter-settings` without zod, whose code generation a strict CSP refuses): the API enforces it and the dashboard's
 * Connect form is drawn from it, so a new adapter cannot be created in one and be impossible in the other.
 */
export interface AdapterSettings {
  /** cxloop generates the signing secret and shows it once, or the admin pastes the vendor's key. */
  secret: { issuedBy: 'cxloop' } | ({ issuedBy: 'vendor' } & VendorSecretField);
  config: readonly AdapterSettingField[];
  /** A vendor API token cxloop needs to read what the webhook only names. */
  vendorToken?: VendorSecretField;
  /** Survey tools: questions are mapped to ratings, text or staff survey items. */
  fieldMapping: boolean;
}

/** SurveyMonkey's data centres; a source names one, never a URL. */
export const surveyMonkeyRegions = ['us', 'eu', 'ca'] as const;

export const adapterSettings: Readonly<Record<Adapter, AdapterSettings>> = {
  generic: { secret: { issuedBy: 'cxloop' }, config: [], fieldMapping: false },
  typeform: { secret: { issuedBy: 'cxloop' }, config: [], fieldMapping: true },
  surveymonkey: {
    secret: {
      issuedBy: 'vendor',
      label: 'App client secret',
      help: 'SurveyMonkey signs callbacks with your app’s client secret (Developer portal › My apps › Settings).',
    },
    config: [
      {
        key: 'clientId',
        label: 'App client ID',
        help: 'The app’s client ID, which SurveyMonkey sends as Sm-Apikey.',
        required: true,
      },
      {
        key: 'region',
        label: 'Data centre',
        help: 'Where your SurveyMonkey account lives.',
        required: true,
        options: surveyMonkeyRegions,
      },
    ],
    vendorToken: {
      label: 'Access token',
      help: 'A token of the app with the “View responses details” scope: the webhook names a response and cxloop reads its answers.',
    },
    fieldMapping: true,
  },
  twilio: {
    secret: {
      issuedBy: 'vendor',
      label: 'Auth Token',
      help: 'Console › Account info › Auth Token (or the SharedKey secret of a Webhook Rule that signs this URL).',
    },
    config: [],
    fieldMapping: false,
  },
  mailgun: {
    secret: {
      issuedBy: 'vendor',
      label: 'HTTP webhook signing key',
      help: 'Mailgun › Sending › Webhooks › HTTP webhook signing key.',
    },
    config: [],
    fieldMapping: false,
  },
  zendesk: {
    secret: {
      issuedBy: 'vendor',
      label: 'Webhook signing secret',
      help: 'Admin Center › Apps and integrations › Webhooks › your webhook › Reveal secret.',
    },
    config: [],
    fieldMapping: false,
  },
  intercom: {
    secret: {
      issuedBy: 'vendor',
      label: 'App client secret',
      help: 'Developer Hub › your app › Basic information › Client secret.',
    },
    config: [],
    fieldMapping: false,
  },
  delighted: {
    secret: {
      issuedBy: 'vendor',
      label: 'API key',
      help: 'Delighted signs webhooks with your account’s private API key (Integrations › API).',
    },
    config: [],
    fieldMapping: false,
  },
  hubspot: {
    secret: {
      issuedBy: 'vendor',
      label: 'App client secret',
      help: 'HubSpot signs webhooks with your app’s client secret (your app › Auth › Client secret).',
    },
    config: [],
    vendorToken: {
      label: 'Access token',
      help: 'A token of the app with the crm.objects.feedback_submissions.read scope: the webhook names a survey response and cxloop reads it.',
    },
    fieldMapping: true,
  },
  qualtrics: {
    secret: { issuedBy: 'cxloop' },
    config: [
      {
        key: 'datacenter',
        label: 'Datacenter ID',
        help: 'The first part of your Qualtrics API host (Account settings › Qualtrics IDs › User › Datacenter ID), e.g. fra1 or iad1.',
        required: true,
      },
    ],
    vendorToken: {
      label: 'API token',
      help: 'Account settings › Qualtrics IDs › API › Token: cxloop reads each completed response with it.',
    },
    fieldMapping: true,
  },
};
