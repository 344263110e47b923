import { useState } from 'preact/hooks';
import { api, withQuery } from '../api';
import { nameIn, type OrganisationNames, useOrganisationNames } from '../names';
import { navigate, type Route } from '../router';
import type { Session } from '../session';
import { Empty, ErrorNotice, formatDateTime, Loading, useResource } from '../ui';

interface FeedbackItem {
  id: string;
  channel: string;
  text: string;
  redacted: boolean;
  personalDataRedacted: boolean;
  touchpoint: string | null;
  ratings: { nps: number | null; csat: number | null; ces: number | null };
  occurredAt: string;
  analysis: {
    sentiment: { label: string | null };
    severity: string;
    details: { topics?: { id: string; label: string }[]; flags?: { code: string }[] };
  } | null;
}

const FILTERS = ['q', 'channel', 'topic', 'sentiment', 'flag', 'unit', 'from', 'to', 'sort'] as const;
type Filters = Partial<Record<(typeof FILTERS)[number], string>>;

interface FeedbackPage {
  items: FeedbackItem[];
  next: string | null;
  total: number;
}

const SORTS = { relevance: 'Best match', newest: 'Newest first', oldest: 'Oldest first' } as const;

/** The feedback behind a chart or a score: searchable, filterable, sortable, counted, exportable. */
export function FeedbackView({ session, route }: { session: Session; route: Route }) {
  const filters: Filters = Object.fromEntries(
    FILTERS.flatMap((name) => (route.query.get(name) ? [[name, route.query.get(name)!]] : [])),
  );
  const names = useOrganisationNames(session.orgId);
  const key = JSON.stringify(filters);
  const [pages, setPages] = useState<{
    key: string;
    items: FeedbackItem[];
    next: string | null;
    total: number;
  }>();
  const { resource, reload } = useResource(async () => {
    const page = await api.get<FeedbackPage>('/v1/feedback', filters);
    setPages({ key, ...page });
    return page;
  }, [key]);
  const [moreError, setMoreError] = useState<Error>();
  const shown = pages?.key === key ? pages : undefined;

  return (
    <section aria-labelledby="feedback-title">
      <h1 id="feedback-title">Feedback</h1>
      {/* Remounted when the filters or the names change, so every picker shows what the URL says. */}
      <FilterForm filters={filters} names={names} key={`${key}|${names.topics.length}`} />
      {resource.state === 'error' && <ErrorNotice error={resource.error} retry={reload} />}
      {!shown && resource.state === 'loading' && <Loading what="Searching feedback" />}
      {shown &&
        (shown.items.length === 0 ? (
          <Empty>No feedback matches these filters.</Empty>
        ) : (
          <>
            <div class="result-count">
              <p role="status" data-testid="feedback-total">
                {shown.total === 1 ? '1 feedback' : `${shown.total.toLocaleString()} feedback`} · showing{' '}
                {shown.items.length}
              </p>
              <label>
                Sort{' '}
                <select
                  value={filters.sort ?? (filters.q ? 'relevance' : 'newest')}
                  onChange={(event) => navigate('/feedback', { ...filters, sort: event.currentTarget.value })}
                  data-testid="feedback-sort"
                >
                  {Object.entries(SORTS)
                    .filter(([value]) => value !== 'relevance' || filters.q)
                    .map(([value, label]) => (
                      <option key={value} value={value}>
                        {label}
                      </option>
                    ))}
                </select>
              </label>{' '}
              <a
                class="button secondary small"
                href={withQuery('/v1/feedback/export.csv', filters)}
                download
                data-testid="feedback-export"
              >
                Export all {shown.total.toLocaleString()} as CSV
              </a>
            </div>
            <ul class="feedback-list">
              {shown.items.map((item) => (
                <li key={item.id} class="card">
                  <blockquote>
                    {item.text || <em class="muted">awaiting analysis (text shown once redacted)</em>}
                  </blockquote>
                  <p class="muted small">
                    {formatDateTime(item.occurredAt)} · {nameIn(names.channels, item.channel)}
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
                        {nameIn(names.flags, flag.code)}
                      </span>
                    ))}
                    {item.personalDataRedacted && ' · personal data redacted'}
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
                  api.get<FeedbackPage>('/v1/feedback', { ...filters, cursor: shown.next }).then(
                    (page) =>
                      setPages({
                        key,
                        items: [...shown.items, ...page.items],
                        next: page.next,
                        total: page.total,
                      }),
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

/** A filter picked from the organisation's own list, shown by name; any code in the URL stays selectable. */
function Picker({
  name,
  label,
  options,
  value,
}: {
  name: string;
  label: string;
  options: readonly { value: string; label: string }[];
  value?: string;
}) {
  const known = value === undefined || options.some((option) => option.value === value);
  return (
    <label>
      {label}{' '}
      <select name={name} defaultValue={value ?? ''}>
        <option value="">any</option>
        {!known && <option value={value}>{value}</option>}
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </label>
  );
}

const asOptions = (list: readonly { id: string; name: string }[]) =>
  list.map((entry) => ({ value: entry.id, label: entry.name }));

function FilterForm({ filters, names }: { filters: Filters; names: OrganisationNames }) {
  return (
    <form
      class="filters card"
      onSubmit={(event) => {
        event.preventDefault();
        const data = new FormData(event.currentTarget);
        const next: Record<string, string | undefined> = {};
        // The sort is chosen beside the results; a new search starts from its default.
        for (const name of FILTERS.filter((filter) => filter !== 'sort')) {
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
        Search words{' '}
        <input
          name="q"
          type="search"
          defaultValue={filters.q}
          placeholder='refund bookcase, "exact phrase"'
        />
      </label>
      <Picker name="channel" label="Channel" options={asOptions(names.channels)} value={filters.channel} />
      <Picker name="topic" label="Topic" options={asOptions(names.topics)} value={filters.topic} />
      <label>
        Sentiment{' '}
        <select name="sentiment" defaultValue={filters.sentiment ?? ''}>
          <option value="">any</option>
          <option>positive</option>
          <option>neutral</option>
          <option>negative</option>
        </select>
      </label>
      <Picker name="flag" label="Flag" options={asOptions(names.flags)} value={filters.flag} />
      <Picker
        name="unit"
        label="Unit"
        options={names.units.map((unit) => ({ value: unit.key, label: unit.name }))}
        value={filters.unit}
      />
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
