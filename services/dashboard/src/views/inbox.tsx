import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api } from '../api';
import { AssignControl, SlaBadge } from '../inbox/case-controls';
import { CasePage } from '../inbox/case-page';
import {
  type CaseListItem,
  type Member,
  readable,
  statusLabel,
  useCaseChanges,
  useNow,
  useShortcuts,
} from '../inbox/cases';
import { ShortcutHelp } from '../inbox/shortcut-help';
import { TextPrompt } from '../inbox/text-prompt';
import { href, navigate, type Route } from '../router';
import type { Session } from '../session';
import { Empty, ErrorNotice, formatDateTime, Show, useResource } from '../ui';
import '../inbox/inbox.css';

export function InboxView({ session, route }: { session: Session; route: Route }) {
  const caseId = route.parts[1];
  return caseId ? (
    <CasePage caseId={caseId} session={session} />
  ) : (
    <CaseList session={session} route={route} />
  );
}

const PAGE_SIZE = 50;

/** The list's filters as they stand in the URL: a link or a reload shows the same page. */
interface ListQuery {
  status: 'open' | 'closed' | 'all';
  assignee: '' | 'me' | 'none';
  severity: string;
  sla: string;
  sort: string;
  page: number;
}

function listQueryOf(route: Route): ListQuery {
  const q = route.query;
  const page = Number(q.get('page') ?? '1');
  return {
    status: (['open', 'closed', 'all'].includes(q.get('status') ?? '')
      ? q.get('status')
      : 'open') as ListQuery['status'],
    assignee: (['me', 'none'].includes(q.get('assignee') ?? '')
      ? q.get('assignee')
      : '') as ListQuery['assignee'],
    severity: q.get('severity') ?? '',
    sla: q.get('sla') ?? '',
    sort: q.get('sort') ?? 'priority',
    page: Number.isInteger(page) && page > 0 ? page : 1,
  };
}

/** The URL query of a list query: defaults left out, so the plain inbox is `#/inbox`. */
function urlQuery(query: Partial<ListQuery>): Record<string, string | undefined> {
  return {
    status: query.status === 'open' ? undefined : query.status,
    assignee: query.assignee || undefined,
    severity: query.severity || undefined,
    sla: query.sla || undefined,
    sort: query.sort === 'priority' ? undefined : query.sort,
    page: query.page && query.page > 1 ? String(query.page) : undefined,
  };
}

const go = (query: Partial<ListQuery>) => navigate('/inbox', urlQuery(query));

/** The built-in views, each a preset of filters, with the counts /v1/case-views gives for the caller. */
const BUILT_IN: readonly { key: string; label: string; query: Partial<ListQuery> }[] = [
  { key: 'open', label: 'Open', query: { status: 'open' } },
  { key: 'unassigned', label: 'Unassigned', query: { status: 'open', assignee: 'none' } },
  { key: 'mine', label: 'Mine', query: { status: 'open', assignee: 'me' } },
  { key: 'breached', label: 'Breached', query: { status: 'open', sla: 'breached' } },
  { key: 'closed', label: 'Closed', query: { status: 'closed' } },
];

interface SavedView {
  id: string;
  name: string;
  filters: { status?: string[]; severity?: string[]; sla?: string; assignee?: string; sort?: string };
}

const OPEN = ['new', 'acknowledged', 'in_progress'];
const CLOSED_STATUSES = ['resolved', 'dismissed'];

/** A saved view's filters as the list's query, and back: what the API stores is what GET /v1/cases takes. */
function savedToQuery(filters: SavedView['filters']): Partial<ListQuery> {
  const statuses = filters.status ?? OPEN;
  return {
    status: statuses.every((s) => CLOSED_STATUSES.includes(s))
      ? 'closed'
      : statuses.length === 5
        ? 'all'
        : 'open',
    assignee: filters.assignee === 'me' || filters.assignee === 'none' ? filters.assignee : '',
    severity: filters.severity?.[0] ?? '',
    sla: filters.sla ?? '',
    sort: filters.sort ?? 'priority',
  };
}

function queryToFilters(query: ListQuery): SavedView['filters'] {
  return {
    status:
      query.status === 'open'
        ? OPEN
        : query.status === 'closed'
          ? CLOSED_STATUSES
          : [...OPEN, ...CLOSED_STATUSES],
    ...(query.severity ? { severity: [query.severity] } : {}),
    ...(query.sla ? { sla: query.sla } : {}),
    ...(query.assignee ? { assignee: query.assignee } : {}),
    sort: query.sort,
  };
}

const sameQuery = (a: Partial<ListQuery>, b: ListQuery) =>
  (a.status ?? 'open') === b.status &&
  (a.assignee ?? '') === b.assignee &&
  (a.severity ?? '') === b.severity &&
  (a.sla ?? '') === b.sla &&
  (a.sort ?? 'priority') === b.sort;

function CaseList({ session, route }: { session: Session; route: Route }) {
  const query = listQueryOf(route);
  const key = JSON.stringify(query);
  const now = useNow();
  const { resource, reload } = useResource(() => {
    const params = new URLSearchParams();
    const statuses = query.status === 'open' ? OPEN : query.status === 'closed' ? CLOSED_STATUSES : [];
    for (const s of statuses) params.append('status', s);
    if (query.assignee) params.set('assignee', query.assignee);
    if (query.severity) params.set('severity', query.severity);
    if (query.sla) params.set('sla', query.sla);
    params.set('sort', query.sort);
    params.set('limit', String(PAGE_SIZE));
    params.set('offset', String((query.page - 1) * PAGE_SIZE));
    return api.get<{ items: CaseListItem[]; total: number }>(`/v1/cases?${params}`);
  }, [key]);
  const counts = useResource(
    () =>
      api
        .get<{ views: { view: string; count: number }[] }>('/v1/case-views')
        .then((answer) => new Map(answer.views.map((view) => [view.view, view.count]))),
    [],
  );
  const saved = useResource(
    () => api.get<{ views: SavedView[] }>('/v1/saved-case-views').then((a) => a.views),
    [],
  );
  const members = useResource(() => api.get<{ members: Member[] }>('/v1/members').then((a) => a.members), []);
  const [error, setError] = useState<ApiError>();
  const [notice, setNotice] = useState<string>();
  const [selected, setSelected] = useState(0);
  const [help, setHelp] = useState(false);
  const [lastUpdate, setLastUpdate] = useState<string>();
  const list = useRef<HTMLTableSectionElement>(null);
  const live = useCaseChanges(() => {
    reload();
    counts.reload();
    setLastUpdate(new Date().toLocaleTimeString());
  });
  const canClaim = session.role === 'responder' || session.role === 'admin';
  useEffect(() => setSelected(0), [key]);

  const items = resource.data?.items ?? [];
  const total = resource.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));

  const focusRow = (index: number) => {
    const bounded = Math.max(0, Math.min(items.length - 1, index));
    setSelected(bounded);
    list.current?.querySelectorAll<HTMLAnchorElement>('a.case-headline')[bounded]?.focus();
  };
  const change = (run: () => Promise<unknown>) => {
    setError(undefined);
    setNotice(undefined);
    run().then(
      () => {
        reload();
        counts.reload();
      },
      (failure: ApiError) => {
        reload();
        setError(
          failure.status === 412
            ? new ApiError(412, 'Someone changed this case first', 'the list now shows who holds it')
            : failure,
        );
      },
    );
  };
  const claim = (item: CaseListItem) =>
    change(() => api.postIfMatch(`/v1/cases/${item.id}/claim`, item.version, {}));
  const assign = (item: CaseListItem, assigneeId: string | null) =>
    change(() => api.postIfMatch(`/v1/cases/${item.id}/assignment`, item.version, { assigneeId }));

  useShortcuts({
    j: () => focusRow(selected + 1),
    k: () => focusRow(selected - 1),
    o: () => items[selected] && navigate(`/inbox/${items[selected]!.id}`),
    c: () => canClaim && items[selected] && !items[selected]!.assigneeId && claim(items[selected]!),
    '?': () => setHelp(!help),
  });

  const saveView = (name: string) =>
    api
      .post('/v1/saved-case-views', { name, filters: queryToFilters(query) })
      .then(saved.reload, (failure: ApiError) => {
        setError(failure);
        throw failure;
      });

  return (
    <section aria-labelledby="inbox-title">
      <div class="toolbar">
        <h1 id="inbox-title" tabIndex={-1}>
          Inbox
        </h1>
        <span class="inbox-live" role="status" aria-live="polite">
          <span class={`live-dot ${live ? 'live' : 'reconnecting'}`} aria-hidden="true" />{' '}
          {live ? 'Live' : 'Reconnecting…'}
          {lastUpdate && <span class="muted small"> · updated {lastUpdate}</span>}
        </span>
        {canClaim && (
          <button
            type="button"
            onClick={() => {
              setError(undefined);
              setNotice(undefined);
              api.post<CaseListItem | undefined>('/v1/cases/claim-next').then((claimed) => {
                if (claimed) navigate(`/inbox/${claimed.id}`);
                else setNotice('Nothing to claim: every open case of your teams has someone on it.');
              }, setError);
            }}
          >
            Claim next
          </button>
        )}
      </div>
      {help && <ShortcutHelp onClose={() => setHelp(false)} />}
      <nav aria-label="Inbox views" class="view-tabs">
        {BUILT_IN.filter((view) => view.key !== 'mine' || canClaim).map((view) => (
          <a
            key={view.key}
            href={href('/inbox', urlQuery(view.query))}
            aria-current={sameQuery(view.query, query) ? 'page' : undefined}
          >
            {view.label}
            {counts.resource.data?.has(view.key) && (
              <span class="count"> {counts.resource.data.get(view.key)}</span>
            )}
          </a>
        ))}
        {(saved.resource.data ?? []).map((view) => (
          <a
            key={view.id}
            href={href('/inbox', urlQuery(savedToQuery(view.filters)))}
            aria-current={sameQuery(savedToQuery(view.filters), query) ? 'page' : undefined}
          >
            {view.name}
          </a>
        ))}
      </nav>
      {error && <ErrorNotice error={error} />}
      {notice && <p class="notice">{notice}</p>}
      <div class="filters">
        <label>
          Status{' '}
          <select
            value={query.status}
            onChange={(e) => go({ ...query, status: e.currentTarget.value as ListQuery['status'], page: 1 })}
          >
            <option value="open">open</option>
            <option value="closed">closed</option>
            <option value="all">all</option>
          </select>
        </label>
        <label>
          Severity{' '}
          <select
            value={query.severity}
            onChange={(e) => go({ ...query, severity: e.currentTarget.value, page: 1 })}
          >
            <option value="">any</option>
            {['critical', 'high', 'medium', 'low'].map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          SLA{' '}
          <select value={query.sla} onChange={(e) => go({ ...query, sla: e.currentTarget.value, page: 1 })}>
            <option value="">any</option>
            <option value="breached">breached</option>
            <option value="at_risk">at risk</option>
            <option value="on_track">on track</option>
          </select>
        </label>
        <label>
          Held by{' '}
          <select
            value={query.assignee}
            onChange={(e) =>
              go({ ...query, assignee: e.currentTarget.value as ListQuery['assignee'], page: 1 })
            }
          >
            <option value="">anyone or nobody</option>
            {canClaim && <option value="me">me</option>}
            <option value="none">nobody</option>
          </select>
        </label>
        <label>
          Sort by{' '}
          <select value={query.sort} onChange={(e) => go({ ...query, sort: e.currentTarget.value, page: 1 })}>
            <option value="priority">priority</option>
            <option value="due">deadline, soonest first</option>
            <option value="newest">newest first</option>
            <option value="oldest">oldest first</option>
          </select>
        </label>
        <TextPrompt
          openLabel="Save this view…"
          openClass="link"
          fieldId="view-name"
          fieldLabel="View name"
          submitLabel="Save view"
          onSubmit={saveView}
        />
      </div>
      <Show resource={resource} retry={reload} what="Loading cases">
        {() =>
          items.length === 0 ? (
            <Empty>No cases match these filters.</Empty>
          ) : (
            <>
              <p class="muted small" data-testid="case-range">
                Showing {(query.page - 1) * PAGE_SIZE + 1}–{(query.page - 1) * PAGE_SIZE + items.length} of{' '}
                {total}
              </p>
              <div class="table-wrap">
                <table class="case-table">
                  <caption class="visually-hidden">
                    Cases, {total} in all; press ? for keyboard shortcuts
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">#</th>
                      <th scope="col">Severity</th>
                      <th scope="col">What the customer said</th>
                      <th scope="col">Held by</th>
                      <th scope="col">Deadline</th>
                      <th scope="col">Opened</th>
                    </tr>
                  </thead>
                  <tbody ref={list}>
                    {items.map((item, index) => (
                      <tr
                        key={item.id}
                        data-case={item.id}
                        class={`case-row-${item.severity}${index === selected ? ' selected' : ''}`}
                      >
                        <td class="muted small">{(query.page - 1) * PAGE_SIZE + index + 1}</td>
                        <td>
                          <span class={`badge severity-${item.severity}`}>{item.severity}</span>
                        </td>
                        <td class="headline-cell">
                          <a
                            class="case-headline"
                            href={href(`/inbox/${item.id}`)}
                            onFocus={() => setSelected(index)}
                          >
                            {item.headline || <em>no text</em>}
                          </a>
                          <span class="muted small">
                            {item.channel} · {statusLabel(item.status)}
                            {item.flags.length > 0 && ` · ${readable(item.flags)}`}
                          </span>
                        </td>
                        <td>
                          <span class="holder">{item.assigneeName ?? 'nobody'}</span>
                          {canClaim &&
                            !item.assigneeId &&
                            item.status !== 'resolved' &&
                            item.status !== 'dismissed' && (
                              <button type="button" class="small" onClick={() => claim(item)}>
                                Claim
                                <span class="visually-hidden">
                                  {' '}
                                  case {(query.page - 1) * PAGE_SIZE + index + 1}
                                </span>
                              </button>
                            )}
                          {session.role !== 'assessor' && members.resource.data && (
                            <AssignControl
                              item={item}
                              members={members.resource.data}
                              label={`Assign case ${(query.page - 1) * PAGE_SIZE + index + 1} to`}
                              labelHidden
                              onAssign={(assigneeId) => assign(item, assigneeId)}
                            />
                          )}
                        </td>
                        <td>
                          <SlaBadge item={item} now={now} />
                        </td>
                        <td class="small">{formatDateTime(item.openedAt)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <nav class="pager" aria-label="Pages">
                <button
                  type="button"
                  class="secondary"
                  disabled={query.page <= 1}
                  onClick={() => go({ ...query, page: query.page - 1 })}
                >
                  Previous page
                </button>
                <span>
                  Page {query.page} of {pages}
                </span>
                <button
                  type="button"
                  class="secondary"
                  disabled={query.page >= pages}
                  onClick={() => go({ ...query, page: query.page + 1 })}
                >
                  Next page
                </button>
                <PageJump pages={pages} onJump={(page) => go({ ...query, page })} />
              </nav>
            </>
          )
        }
      </Show>
    </section>
  );
}

function PageJump({ pages, onJump }: { pages: number; onJump: (page: number) => void }) {
  const [value, setValue] = useState('');
  return (
    <form
      class="inline-form"
      onSubmit={(event) => {
        event.preventDefault();
        const page = Number(value);
        if (Number.isInteger(page) && page >= 1 && page <= pages) onJump(page);
      }}
    >
      <label for="page-jump">Go to page</label>
      <input
        id="page-jump"
        type="number"
        min={1}
        max={pages}
        value={value}
        onInput={(e) => setValue(e.currentTarget.value)}
      />
      <button type="submit" class="secondary">
        Go
      </button>
    </form>
  );
}
