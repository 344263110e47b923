import type { Adapter } from '@cxloop/contracts';
import {
  type AdapterSettingField,
  type AdapterSettings,
  adapterSettings,
} from '@cxloop/contracts/adapter-settings';
import type { JSX } from 'preact';
import { useId, useState } from 'preact/hooks';
import { type ApiError, api } from '../api';
import { href } from '../router';
import { CopyButton, ErrorNotice } from '../ui';
import { VENDORS, vendorGuide } from '../vendors';

/** A source as the API shows it to an admin. */
export interface SourceView {
  id: string;
  name: string;
  channel: string;
  adapter: Adapter;
  status: 'active' | 'paused';
  webhookUrl: string;
  replyUrl: string | null;
  createdAt: string;
  stats: {
    lastDeliveryAt: string | null;
    acceptedCount: number;
    importedCount: number;
    rejectedCount: number;
    lastError: string | null;
  };
}

/** The answer to creating a source (or rotating its secret): the only time a generated secret is shown. */
export interface SourceWithSecret extends SourceView {
  signingSecret?: string;
}

/** What the admin typed into the adapter's fields, before it becomes the create body. */
interface ConnectFields {
  name: string;
  secret: string;
  config: Record<string, string>;
  vendorToken: string;
  customerRefField: string;
  questions: string;
}

const emptyFields = (settings: AdapterSettings): ConnectFields => ({
  name: '',
  secret: '',
  config: Object.fromEntries(settings.config.map((field) => [field.key, field.options?.[0] ?? ''])),
  vendorToken: '',
  customerRefField: '',
  questions: '',
});

/** The create body, or the problem with the question mapping (JSON typed by hand). */
function createBody(adapter: Adapter, fields: ConnectFields): Record<string, unknown> | string {
  const settings = adapterSettings[adapter];
  let questions: unknown;
  if (settings.fieldMapping && fields.questions.trim()) {
    try {
      questions = JSON.parse(fields.questions);
    } catch {
      return 'The question mapping is not valid JSON.';
    }
  }
  const fieldMapping = {
    ...(questions ? { questions } : {}),
    ...(fields.customerRefField.trim() ? { customerRefField: fields.customerRefField.trim() } : {}),
  };
  return {
    name: fields.name.trim(),
    adapter,
    ...(settings.secret.issuedBy === 'vendor' ? { secret: fields.secret.trim() } : {}),
    ...(settings.config.length > 0 ? { adapterConfig: fields.config } : {}),
    ...(settings.vendorToken ? { vendorToken: fields.vendorToken.trim() } : {}),
    ...(Object.keys(fieldMapping).length > 0 ? { fieldMapping } : {}),
  };
}

/**
 * The Connect form, drawn from the adapter's declared settings: the vendor's key where the vendor issues
 * it, the adapter's config fields, a vendor API token, and a survey tool's field mapping.
 */
export function ConnectChannel({ onCreated }: { onCreated: () => void }) {
  const [adapter, setAdapter] = useState<Adapter>('generic');
  const settings = adapterSettings[adapter];
  const [fields, setFields] = useState<ConnectFields>(() => emptyFields(settings));
  const [error, setError] = useState<ApiError | string>();
  const [created, setCreated] = useState<SourceWithSecret>();
  const [busy, setBusy] = useState(false);
  const set = (change: Partial<ConnectFields>) => setFields((current) => ({ ...current, ...change }));
  return (
    <div class="card">
      <h2>Connect a channel</h2>
      <form
        class="stack-form"
        onSubmit={(event) => {
          event.preventDefault();
          const body = createBody(adapter, fields);
          if (typeof body === 'string') {
            setError(body);
            return;
          }
          setBusy(true);
          setError(undefined);
          api
            .post<SourceWithSecret>('/v1/sources', body)
            .then((source) => {
              setCreated(source);
              setFields(emptyFields(settings));
              onCreated();
            }, setError)
            .finally(() => setBusy(false));
        }}
      >
        <label>
          Vendor
          <select
            value={adapter}
            onChange={(e) => {
              const next = e.currentTarget.value as Adapter;
              setAdapter(next);
              setFields((current) => ({ ...emptyFields(adapterSettings[next]), name: current.name }));
            }}
          >
            {VENDORS.map((vendor) => (
              <option key={vendor.adapter} value={vendor.adapter}>
                {vendor.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Name
          <input
            required
            value={fields.name}
            placeholder="e.g. Post-purchase survey"
            onInput={(e) => set({ name: e.currentTarget.value })}
          />
        </label>
        {settings.secret.issuedBy === 'vendor' && (
          <SecretField
            label={settings.secret.label}
            help={settings.secret.help}
            value={fields.secret}
            onInput={(secret) => set({ secret })}
          />
        )}
        {settings.config.map((field) => (
          <ConfigField
            key={field.key}
            field={field}
            value={fields.config[field.key] ?? ''}
            onInput={(value) => set({ config: { ...fields.config, [field.key]: value } })}
          />
        ))}
        {settings.vendorToken && (
          <SecretField
            label={settings.vendorToken.label}
            help={settings.vendorToken.help}
            value={fields.vendorToken}
            onInput={(vendorToken) => set({ vendorToken })}
          />
        )}
        {settings.fieldMapping && (
          <details>
            <summary>Field mapping (optional)</summary>
            <Field
              label="Customer reference field"
              help="The hidden field or custom variable holding your customer id."
            >
              {({ id, helpId }) => (
                <input
                  id={id}
                  aria-describedby={helpId}
                  value={fields.customerRefField}
                  placeholder="e.g. customer_id"
                  onInput={(e) => set({ customerRefField: e.currentTarget.value })}
                />
              )}
            </Field>
            <Field
              label="Questions (JSON)"
              help="By question id or ref: nps, csat or ces (with the question's scale), text, ignore."
            >
              {({ id, helpId }) => (
                <textarea
                  id={id}
                  aria-describedby={helpId}
                  rows={4}
                  value={fields.questions}
                  placeholder='{"satisfaction": {"as": "csat", "scale": {"min": 1, "max": 5}}}'
                  onInput={(e) => set({ questions: e.currentTarget.value })}
                />
              )}
            </Field>
          </details>
        )}
        <div>
          <button type="submit" disabled={busy || !fields.name.trim()}>
            Connect
          </button>
        </div>
      </form>
      {typeof error === 'string' ? (
        <p class="notice error" role="alert">
          {error}
        </p>
      ) : (
        error && <ErrorNotice error={error} />
      )}
      {created && <SecretOnce source={created} />}
    </div>
  );
}

/** A labelled control with its help line, which screen readers announce as the control's description. */
function Field(props: {
  label: string;
  help: string;
  children: (ids: { id: string; helpId: string }) => JSX.Element;
}) {
  const id = useId();
  const helpId = `${id}-help`;
  return (
    <div class="field">
      <label htmlFor={id}>{props.label}</label>
      {props.children({ id, helpId })}
      <span id={helpId} class="muted small">
        {props.help}
      </span>
    </div>
  );
}

/** One of the adapter's non-secret settings: a closed list as a select, anything else as text. */
function ConfigField(props: { field: AdapterSettingField; value: string; onInput: (value: string) => void }) {
  const { field } = props;
  return (
    <Field label={field.label} help={field.help}>
      {({ id, helpId }) =>
        field.options ? (
          <select
            id={id}
            aria-describedby={helpId}
            value={props.value}
            onChange={(e) => props.onInput(e.currentTarget.value)}
          >
            {field.options.map((option) => (
              <option key={option} value={option}>
                {option}
              </option>
            ))}
          </select>
        ) : (
          <input
            id={id}
            aria-describedby={helpId}
            required={field.required}
            value={props.value}
            onInput={(e) => props.onInput(e.currentTarget.value)}
          />
        )
      }
    </Field>
  );
}

/** A key the vendor issued: typed or pasted, never shown back. */
export function SecretField(props: {
  label: string;
  help: string;
  value: string;
  onInput: (value: string) => void;
}) {
  return (
    <Field label={props.label} help={props.help}>
      {({ id, helpId }) => (
        <input
          id={id}
          aria-describedby={helpId}
          required
          type="password"
          autoComplete="off"
          minLength={8}
          value={props.value}
          onInput={(e) => props.onInput(e.currentTarget.value)}
        />
      )}
    </Field>
  );
}

/** The webhook URL, the secret (this once) and the vendor's steps, each copyable. */
export function SecretOnce({ source }: { source: SourceWithSecret }) {
  const steps = vendorGuide(source.adapter).steps(source);
  return (
    <div class="notice success" role="status">
      <p>
        <strong>{source.name}</strong> is ready.
        {source.signingSecret && ' Copy the secret now: it is shown only once.'}
      </p>
      <dl class="kv">
        <dt>Webhook URL</dt>
        <dd>
          <code data-testid="webhook-url">{source.webhookUrl}</code> <CopyButton text={source.webhookUrl} />
        </dd>
        <dt>Signing secret</dt>
        <dd>
          {source.signingSecret ? (
            <>
              <code data-testid="signing-secret">{source.signingSecret}</code>{' '}
              <CopyButton text={source.signingSecret} />
            </>
          ) : (
            'the key the vendor issued (kept encrypted; never shown again)'
          )}
        </dd>
      </dl>
      <SetupSteps steps={steps} />
      <p>
        <a href={href(`/channels/${source.id}`)}>Open the channel's delivery log →</a>
      </p>
    </div>
  );
}

export function SetupSteps({ steps }: { steps: string[] }) {
  return (
    <>
      <h3 class="small">Set-up steps</h3>
      <ol class="steps">
        {steps.map((step) => (
          <li key={step}>{step}</li>
        ))}
      </ol>
      <CopyButton text={steps.map((step, index) => `${index + 1}. ${step}`).join('\n')} label="Copy steps" />
    </>
  );
}
