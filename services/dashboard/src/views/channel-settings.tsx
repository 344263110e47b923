import { adapterSettings } from '@cxloop/contracts/adapter-settings';
import { useState } from 'preact/hooks';
import { type ApiError, api } from '../api';
import { CopyButton, ErrorNotice, formatDateTime, useResource } from '../ui';
import { SecretField, SecretOnce, type SourceView } from './channel-connect';

/**
 * Rotating a source's secret: cxloop makes a new one (shown once), or, where the vendor issues the key, the
 * admin pastes the vendor's new key. The old one keeps verifying for a day, so the vendor can be switched.
 */
export function RotateSecret({ source, onRotated }: { source: SourceView; onRotated: () => void }) {
  const { secret } = adapterSettings[source.adapter];
  const [open, setOpen] = useState(false);
  const [vendorKey, setVendorKey] = useState('');
  const [rotated, setRotated] = useState<{ signingSecret?: string; previousSecretExpiresAt: string }>();
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const rotate = () => {
    setBusy(true);
    setError(undefined);
    api
      .post<{ signingSecret?: string; previousSecretExpiresAt: string }>(
        `/v1/sources/${source.id}/secret/rotate`,
        secret.issuedBy === 'vendor' ? { secret: vendorKey.trim() } : {},
      )
      .then((answer) => {
        setRotated(answer);
        setVendorKey('');
        setOpen(false);
        onRotated();
      }, setError)
      .finally(() => setBusy(false));
  };
  return (
    <div>
      {!open && (
        <button type="button" class="secondary" onClick={() => setOpen(true)}>
          Rotate secret
        </button>
      )}
      {open && (
        <form
          class="stack-form"
          onSubmit={(event) => {
            event.preventDefault();
            rotate();
          }}
        >
          {secret.issuedBy === 'vendor' ? (
            <SecretField
              label={`New ${secret.label}`}
              help={secret.help}
              value={vendorKey}
              onInput={setVendorKey}
            />
          ) : (
            <p>cxloop makes a new secret and shows it once; the current one keeps working for a day.</p>
          )}
          <div class="actions-row">
            <button type="submit" disabled={busy}>
              Rotate
            </button>
            <button type="button" class="secondary" onClick={() => setOpen(false)}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {error && <ErrorNotice error={error} />}
      {rotated &&
        (rotated.signingSecret ? (
          <SecretOnce source={{ ...source, signingSecret: rotated.signingSecret }} />
        ) : (
          <p class="notice success" role="status">
            The new key verifies now; the previous one until{' '}
            {new Date(rotated.previousSecretExpiresAt).toLocaleString()}.
          </p>
        ))}
    </div>
  );
}

/**
 * Where responders' replies to this channel's customers are sent (a system of the organisation that
 * delivers them by SMS, email or chat). Without one, a case of this channel cannot be replied to.
 */
export function ReplyTarget({ source, onSaved }: { source: SourceView; onSaved: () => void }) {
  const [url, setUrl] = useState(source.replyUrl ?? '');
  const [saved, setSaved] = useState<{ replyUrl: string | null; replySigningSecret?: string }>();
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const save = (target: string | null) => {
    setBusy(true);
    setError(undefined);
    api
      .put<{ replyUrl: string | null; replySigningSecret?: string }>(
        `/v1/sources/${source.id}/reply-target`,
        {
          url: target,
        },
      )
      .then((answer) => {
        setSaved(answer);
        onSaved();
      }, setError)
      .finally(() => setBusy(false));
  };
  return (
    <section aria-labelledby="reply-target-title">
      <h2 id="reply-target-title">Replies to customers</h2>
      <p class="muted small">
        {source.replyUrl
          ? `Responders' replies are sent to ${source.replyUrl}, signed per Standard Webhooks.`
          : 'No reply target: responders cannot reply to customers of this channel until one is set.'}
      </p>
      <form
        class="row-form"
        onSubmit={(event) => {
          event.preventDefault();
          save(url.trim());
        }}
      >
        <label>
          Reply URL
          <input
            type="url"
            required
            value={url}
            placeholder="https://replies.example.com/cxloop"
            onInput={(e) => setUrl(e.currentTarget.value)}
          />
        </label>
        <button type="submit" disabled={busy || !url.trim()}>
          Save reply target
        </button>
        {source.replyUrl && (
          <button type="button" class="secondary" disabled={busy} onClick={() => save(null)}>
            Stop replies
          </button>
        )}
      </form>
      {error && <ErrorNotice error={error} />}
      {saved?.replySigningSecret && (
        <p class="notice success" role="status">
          Replies go to {saved.replyUrl}. Verify them with this secret, shown once:{' '}
          <code data-testid="reply-signing-secret">{saved.replySigningSecret}</code>{' '}
          <CopyButton text={saved.replySigningSecret} />
        </p>
      )}
    </section>
  );
}

interface VendorFetchView {
  id: string;
  key: string;
  status: 'pending' | 'done' | 'failed';
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
}

/**
 * Responses a webhook named that cxloop has yet to read from the vendor (SurveyMonkey): pending ones retry
 * on their own; given-up ones wait for the admin to fix the cause (token, mapping) and retry here.
 */
export function PendingFetches({ sourceId }: { sourceId: string }) {
  const { resource, reload } = useResource(
    () => api.get<{ fetches: VendorFetchView[] }>(`/v1/sources/${sourceId}/fetches`),
    [sourceId],
  );
  const [error, setError] = useState<ApiError>();
  const fetches = resource.data?.fetches ?? [];
  if (fetches.length === 0 && !error) return null;
  return (
    <section aria-labelledby="fetches-title">
      <h2 id="fetches-title">Responses still to fetch from the vendor</h2>
      {error && <ErrorNotice error={error} />}
      <ul class="card-list" data-testid="vendor-fetches">
        {fetches.map((fetch) => (
          <li key={fetch.id}>
            <strong>{fetch.key}</strong>{' '}
            <span class="muted small">
              {fetch.status === 'failed'
                ? `given up after ${fetch.attempts} attempts`
                : `attempt ${fetch.attempts}, next ${formatDateTime(fetch.nextAttemptAt)}`}
              {fetch.lastError && ` · ${fetch.lastError}`}
            </span>{' '}
            {fetch.status === 'failed' && (
              <button
                type="button"
                class="secondary small"
                onClick={() =>
                  api.post(`/v1/sources/${sourceId}/fetches/${fetch.id}/retry`).then(reload, setError)
                }
              >
                Retry
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
