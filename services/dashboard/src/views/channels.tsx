import { adapterSettings } from '@cxloop/contracts/adapter-settings';
import { useState } from 'preact/hooks';
import { type ApiError, api } from '../api';
import { href, type Route } from '../router';
import { CopyButton, Empty, ErrorNotice, formatDateTime, Show, useResource } from '../ui';
import { vendorGuide } from '../vendors';
import { ConnectChannel, SetupSteps, type SourceView } from './channel-connect';
import { PendingFetches, ReplyTarget, RotateSecret } from './channel-settings';

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
  webhookId: string | null;
  status: number;
  delivered: boolean;
  reason: string | null;
}

function TestDeliveryNotice({ result }: { result: TestDelivery }) {
  return (
    <p class={`notice ${result.delivered ? 'success' : 'error'}`} role="status" data-testid="test-delivery">
      {result.delivered
        ? `Test event delivered (HTTP ${result.status}): cxloop signed it as the vendor does, with the secret it holds, and the URL, signature and source all work. It is in the delivery log below; no feedback was stored.`
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

function SourceDetail({ sourceId }: { sourceId: string }) {
  const source = useResource(() => api.get<SourceView>(`/v1/sources/${sourceId}`), [sourceId]);
  const deliveries = useResource(
    () => api.get<{ deliveries: Delivery[] }>(`/v1/sources/${sourceId}/deliveries`),
    [sourceId],
  );
  const [error, setError] = useState<ApiError>();
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
              {` · ${view.stats.acceptedCount} accepted${view.stats.importedCount > 0 ? `, ${view.stats.importedCount} imported` : ''}, ${view.stats.rejectedCount} rejected`}
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

              {/* The server signs the test as the vendor would, with the secret it holds for the source. */}
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
            </div>
            {tested && <TestDeliveryNotice result={tested} />}
            <RotateSecret source={view} onRotated={deliveries.reload} />
            <ReplyTarget source={view} onSaved={source.reload} />
            {/* Adapters that read from the vendor what its webhook only names (a vendor token) fetch in the background. */}
            {adapterSettings[view.adapter].vendorToken && <PendingFetches sourceId={sourceId} />}
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
                No deliveries yet. Send a test event above to check the URL and secret, then trigger a
                delivery from the vendor's webhook settings.
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
