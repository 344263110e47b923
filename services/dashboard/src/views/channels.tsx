import { useState } from 'preact/hooks';
import { type ApiError, api } from '../api';
import { href, type Route } from '../router';
import { CopyButton, Empty, ErrorNotice, formatDateTime, Show, useResource } from '../ui';
import { VENDORS, vendorGuide } from '../vendors';

interface SourceView {
  id: string;
  name: string;
  channel: string;
  adapter: string;
  status: 'active' | 'paused';
  webhookUrl: string;
  createdAt: string;
  stats: {
    lastDeliveryAt: string | null;
    acceptedCount: number;
    rejectedCount: number;
    lastError: string | null;
  };
}

/** The answer to creating a source: the only time a generated secret is shown. */
interface SourceWithSecret extends SourceView {
  signingSecret?: string;
}

interface Delivery {
  id: string;
  receivedAt: string;
  status: number;
  outcome: 'accepted' | 'duplicate' | 'ignored' | 'rejected';
  reason: string | null;
  acceptedEvents: number;
}

/** What the source's webhook answered to a signed test event. */
interface TestDelivery {
  webhookId: string;
  status: number;
  delivered: boolean;
  reason: string | null;
}

function TestDeliveryNotice({ result }: { result: TestDelivery }) {
  return (
    <p class={`notice ${result.delivered ? 'success' : 'error'}`} role="status" data-testid="test-delivery">
      {result.delivered
        ? `Test event delivered (HTTP ${result.status}): URL, signature and source all work. It is in the delivery log below; no feedback was stored.`
        : `Test event refused (HTTP ${result.status}): ${result.reason ?? 'no reason given'}.`}
    </p>
  );
}

export function ChannelsView({ route }: { route: Route }) {
  const sourceId = route.parts[1];
  return sourceId ? <SourceDetail sourceId={sourceId} /> : <SourceList />;
}

function SourceList() {
  const { resource, reload } = useResource(() => api.get<{ sources: SourceView[] }>('/v1/sources'), []);
  return (
    <section aria-labelledby="channels-title">
      <h1 id="channels-title">Channels</h1>
      <ConnectChannel onCreated={reload} />
      <Show resource={resource} retry={reload} what="Loading channels">
        {({ sources }) =>
          sources.length === 0 ? (
            <Empty>No channel is connected yet. Connect one above to start receiving feedback.</Empty>
          ) : (
            <ul class="card-list">
              {sources.map((source) => (
                <li key={source.id} class="card source-row">
                  <a href={href(`/channels/${source.id}`)}>
                    <strong>{source.name}</strong>
                  </a>
                  <span class="muted small">
                    {' '}
                    {vendorGuide(source.adapter).label} · {source.channel} ·{' '}
                    <span class={`status-${source.status}`}>{source.status}</span> · last delivery{' '}
                    {formatDateTime(source.stats.lastDeliveryAt)}
                  </span>
                </li>
              ))}
            </ul>
          )
        }
      </Show>
    </section>
  );
}

function ConnectChannel({ onCreated }: { onCreated: () => void }) {
  const [adapter, setAdapter] = useState('generic');
  const [name, setName] = useState('');
  const [error, setError] = useState<ApiError>();
  const [created, setCreated] = useState<SourceWithSecret>();
  const [busy, setBusy] = useState(false);
  return (
    <div class="card">
      <h2>Connect a channel</h2>
      <form
        class="row-form"
        onSubmit={(event) => {
          event.preventDefault();
          setBusy(true);
          setError(undefined);
          api
            .post<SourceWithSecret>('/v1/sources', { name: name.trim(), adapter })
            .then((source) => {
              setCreated(source);
              setName('');
              onCreated();
            }, setError)
            .finally(() => setBusy(false));
        }}
      >
        <label>
          Vendor
          <select value={adapter} onChange={(e) => setAdapter(e.currentTarget.value)}>
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
            value={name}
            placeholder="e.g. Post-purchase survey"
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </label>
        <button type="submit" disabled={busy || !name.trim()}>
          Connect
        </button>
      </form>
      {error && <ErrorNotice error={error} />}
      {created && <SecretOnce source={created} />}
    </div>
  );
}

/** The webhook URL, the secret (this once) and the vendor's steps, each copyable. */
function SecretOnce({ source }: { source: SourceWithSecret }) {
  const steps = vendorGuide(source.adapter).steps(source);
  return (
    <div class="notice success" role="status">
      <p>
        <strong>{source.name}</strong> is ready. Copy the secret now: it is shown only once.
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

function SetupSteps({ steps }: { steps: string[] }) {
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

function SourceDetail({ sourceId }: { sourceId: string }) {
  const source = useResource(() => api.get<SourceView>(`/v1/sources/${sourceId}`), [sourceId]);
  const deliveries = useResource(
    () => api.get<{ deliveries: Delivery[] }>(`/v1/sources/${sourceId}/deliveries`),
    [sourceId],
  );
  const [error, setError] = useState<ApiError>();
  const [rotated, setRotated] = useState<SourceWithSecret>();
  const [tested, setTested] = useState<TestDelivery>();
  const [busy, setBusy] = useState(false);
  const act = <T,>(run: () => Promise<T>, then?: (value: T) => void) => {
    setBusy(true);
    setError(undefined);
    setTested(undefined);
    run()
      .then((value) => {
        then?.(value);
        source.reload();
        deliveries.reload();
      }, setError)
      .finally(() => setBusy(false));
  };

  return (
    <section aria-labelledby="source-title">
      <a href="#/channels">← Channels</a>
      <Show resource={source.resource} retry={source.reload} what="Loading the channel">
        {(view) => (
          <div class="card">
            <h1 id="source-title">{view.name}</h1>
            <p class="muted small">
              {vendorGuide(view.adapter).label} · {view.channel} ·{' '}
              <span class={`status-${view.status}`} data-testid="source-status">
                {view.status}
              </span>
              {` · ${view.stats.acceptedCount} accepted, ${view.stats.rejectedCount} rejected`}
              {view.stats.lastError && ` · last error: ${view.stats.lastError}`}
            </p>
            <dl class="kv">
              <dt>Webhook URL</dt>
              <dd>
                <code>{view.webhookUrl}</code> <CopyButton text={view.webhookUrl} />
              </dd>
            </dl>
            {error && <ErrorNotice error={error} />}
            <div class="actions-row">
              <button
                type="button"
                class="secondary"
                disabled={busy}
                onClick={() =>
                  act(() =>
                    api.patch(`/v1/sources/${sourceId}`, {
                      status: view.status === 'active' ? 'paused' : 'active',
                    }),
                  )
                }
              >
                {view.status === 'active' ? 'Pause' : 'Resume'}
              </button>
              <button
                type="button"
                class="secondary"
                disabled={busy}
                onClick={() =>
                  act(
                    () => api.post<{ signingSecret?: string }>(`/v1/sources/${sourceId}/secret/rotate`),
                    (answer) => setRotated({ ...view, ...answer }),
                  )
                }
              >
                Rotate secret
              </button>
              {/* Only cxloop holds the generic channel's secret, so only the server can sign a test of it. */}
              {view.adapter === 'generic' && (
                <button
                  type="button"
                  class="secondary"
                  disabled={busy}
                  onClick={() =>
                    act(() => api.post<TestDelivery>(`/v1/sources/${sourceId}/test-delivery`), setTested)
                  }
                >
                  Send test event
                </button>
              )}
            </div>
            {tested && <TestDeliveryNotice result={tested} />}
            {rotated && <SecretOnce source={rotated} />}
            <details>
              <summary>Set-up steps</summary>
              <SetupSteps steps={vendorGuide(view.adapter).steps(view)} />
            </details>
          </div>
        )}
      </Show>
      <div class="card">
        <div class="toolbar">
          <h2>Delivery log</h2>
          <button type="button" class="secondary small" onClick={deliveries.reload}>
            Refresh
          </button>
        </div>
        <Show resource={deliveries.resource} retry={deliveries.reload} what="Loading deliveries">
          {({ deliveries: rows }) =>
            rows.length === 0 ? (
              <Empty>
                No deliveries yet.{' '}
                {source.resource.data?.adapter === 'generic'
                  ? 'Send a test event above, or post feedback to the webhook URL.'
                  : "Trigger a delivery from the vendor's webhook settings."}
              </Empty>
            ) : (
              <div class="table-wrap">
                <table data-testid="delivery-log">
                  <thead>
                    <tr>
                      <th scope="col">Received</th>
                      <th scope="col">Outcome</th>
                      <th scope="col">HTTP</th>
                      <th scope="col">Events</th>
                      <th scope="col">Reason</th>
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((row) => (
                      <tr key={row.id} class={`outcome-${row.outcome}`}>
                        <td>{formatDateTime(row.receivedAt)}</td>
                        <td>{row.outcome}</td>
                        <td>{row.status}</td>
                        <td>{row.acceptedEvents}</td>
                        <td>{row.reason ?? '—'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )
          }
        </Show>
      </div>
    </section>
  );
}
