import { useState } from 'preact/hooks';
import { api } from '../api';
import { navigate, type Route } from '../router';
import type { Session } from '../session';
import { Empty, ErrorNotice, formatDateTime, Loading, useResource } from '../ui';

interface FeedbackItem {
  id: string;
  channel: string;
  text: string;
  redacted: boolean;
  touchpoint: string | null;
  ratings: { nps: number | null; csat: number | null; ces: number | null };
  occurredAt: string;
  analysis: {
    sentiment: { label: string | null };
    severity: string;
    details: { topics?: { id: string; label: string }[]; flags?: { code: string }[] };
  } | null;
}

const FILTERS = ['q', 'channel', 'topic', 'sentiment', 'flag', 'unit', 'from', 'to'] as const;
type Filters = Partial<Record<(typeof FILTERS)[number], string>>;

/** The feedback behind a chart or a score: searchable, filterable, newest first, a page at a time. */
export function FeedbackView({ route }: { session: Session; route: Route }) {
  const filters: Filters = Object.fromEntries(
    FILTERS.flatMap((name) => (route.query.get(name) ? [[name, route.query.get(name)!]] : [])),
  );
  const key = JSON.stringify(filters);
  const [pages, setPages] = useState<{ key: string; items: FeedbackItem[]; next: string | null }>();
  const { resource, reload } = useResource(async () => {
    const page = await api.get<{ items: FeedbackItem[]; next: string | null }>('/v1/feedback', filters);
    setPages({ key, ...page });
    return page;
  }, [key]);
  const [moreError, setMoreError] = useState<Error>();
  const shown = pages?.key === key ? pages : undefined;

  return (
    <section aria-labelledby="feedback-title">
      <h1 id="feedback-title">Feedback</h1>
      <FilterForm filters={filters} />
      {resource.state === 'error' && <ErrorNotice error={resource.error} retry={reload} />}
      {!shown && resource.state === 'loading' && <Loading what="Searching feedback" />}
      {shown &&
        (shown.items.length === 0 ? (
          <Empty>No feedback matches these filters.</Empty>
        ) : (
          <>
            <ul class="feedback-list">
              {shown.items.map((item) => (
                <li key={item.id} class="card">
                  <blockquote>
                    {item.text || <em class="muted">awaiting analysis (text shown once redacted)</em>}
                  </blockquote>
                  <p class="muted small">
                    {formatDateTime(item.occurredAt)} · {item.channel}
                    {item.touchpoint && ` · ${item.touchpoint}`}
                    {Object.entries(item.ratings)
                      .filter(([, v]) => v !== null)
                      .map(([name, v]) => ` · ${name.toUpperCase()} ${v}`)}
                    {item.analysis && ` · ${item.analysis.sentiment.label ?? 'no sentiment'}`}
                    {item.analysis?.details.topics?.map((topic) => (
                      <button
                        key={topic.id}
                        type="button"
                        class="chip"
                        onClick={() => navigate('/feedback', { ...filters, topic: topic.id })}
                      >
                        {topic.label}
                      </button>
                    ))}
                    {item.analysis?.details.flags?.map((flag) => (
                      <span key={flag.code} class="badge severity-high">
                        {flag.code.replaceAll('_', ' ')}
                      </span>
                    ))}
                    {item.redacted && ' · personal data redacted'}
                  </p>
                </li>
              ))}
            </ul>
            {moreError && <p class="notice error">{moreError.message}</p>}
            {shown.next && (
              <button
                type="button"
                class="secondary"
                onClick={() =>
                  api
                    .get<{ items: FeedbackItem[]; next: string | null }>('/v1/feedback', {
                      ...filters,
                      cursor: shown.next,
                    })
                    .then(
                      (page) => setPages({ key, items: [...shown.items, ...page.items], next: page.next }),
                      setMoreError,
                    )
                }
              >
                Load more
              </button>
            )}
          </>
        ))}
    </section>
  );
}

const DAY_MS = 86_400_000;

/** Midnight at the start of a `YYYY-MM-DD` day in the person's own time zone (a chart's day is theirs too). */
function localDayStart(day: string): Date {
  return new Date(`${day}T00:00`);
}

/** The `YYYY-MM-DD` of an instant in the person's time zone, as a date input shows it. */
function localDate(instant: string | number): string {
  const date = new Date(instant);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

function FilterForm({ filters }: { filters: Filters }) {
  return (
    <form
      class="filters card"
      onSubmit={(event) => {
        event.preventDefault();
        const data = new FormData(event.currentTarget);
        const next: Record<string, string | undefined> = {};
        for (const name of FILTERS) {
          const value = String(data.get(name) ?? '').trim();
          if (!value) next[name] = undefined;
          else if (name === 'from') next[name] = localDayStart(value).toISOString();
          // The API's `to` is exclusive; a person picking a last day means to include it.
          else if (name === 'to')
            next[name] = new Date(localDayStart(value).getTime() + DAY_MS).toISOString();
          else next[name] = value;
        }
        navigate('/feedback', next);
      }}
    >
      <label>
        Search <input name="q" defaultValue={filters.q} />
      </label>
      <label>
        Channel{' '}
        <select name="channel" defaultValue={filters.channel ?? ''}>
          <option value="">any</option>
          {['survey', 'sms', 'email', 'chat', 'helpdesk', 'review', 'social', 'call', 'web'].map((c) => (
            <option key={c}>{c}</option>
          ))}
        </select>
      </label>
      <label>
        Topic <input name="topic" defaultValue={filters.topic} />
      </label>
      <label>
        Sentiment{' '}
        <select name="sentiment" defaultValue={filters.sentiment ?? ''}>
          <option value="">any</option>
          <option>positive</option>
          <option>neutral</option>
          <option>negative</option>
        </select>
      </label>
      <label>
        Flag <input name="flag" defaultValue={filters.flag} placeholder="e.g. churn_threat" />
      </label>
      <label>
        Unit <input name="unit" defaultValue={filters.unit} />
      </label>
      <label>
        From <input name="from" type="date" defaultValue={filters.from && localDate(filters.from)} />
      </label>
      <label>
        To{' '}
        <input
          name="to"
          type="date"
          defaultValue={filters.to && localDate(new Date(filters.to).getTime() - 1)}
        />
      </label>
      <button type="submit">Apply</button>
    </form>
  );
}
