import { useMemo, useState } from 'preact/hooks';
import { api } from '../api';
import { LineChart, type Series } from '../chart';
import { navigate } from '../router';
import { Empty, Show, useResource } from '../ui';

interface ExperienceDay {
  day: string;
  feedback: number;
  nps: number | null;
  npsCount: number;
  csat: number | null;
  csatCount: number;
  ces: number | null;
  cesCount: number;
  sentiment: number | null;
  sentimentCount: number;
}

interface Experience {
  window: { from: string; to: string };
  channels: { channel: string; days: ExperienceDay[] }[];
}

/** What a person can chart, and how each reads (CSAT as a percentage, as people quote it). */
const MEASURES = {
  nps: { label: 'NPS (−100 to 100)', value: (day: ExperienceDay) => day.nps },
  csat: { label: 'CSAT (% satisfied)', value: (day: ExperienceDay) => day.csat && day.csat * 100 },
  ces: { label: 'Customer effort (mean)', value: (day: ExperienceDay) => day.ces },
  sentiment: { label: 'Sentiment (−1 to 1)', value: (day: ExperienceDay) => day.sentiment },
} as const;
type Measure = keyof typeof MEASURES;

/** Distinguishable on white, in the order channels appear. */
const CHANNEL_COLOURS = [
  '#2563eb',
  '#d97706',
  '#059669',
  '#db2777',
  '#7c3aed',
  '#0891b2',
  '#65a30d',
  '#dc2626',
];

/** A single day is shown within a week, not stretched over the whole axis. */
const WEEK_SECONDS = 7 * 86_400;

/** A day plotted at noon UTC, so it falls on the same calendar day in every time zone a person may be in. */
const dayTime = (day: string) => Date.parse(`${day}T12:00:00Z`) / 1000;

/**
 * NPS, CSAT, CES and sentiment over time, one line per channel, for the enterprise or a unit. Clicking a
 * point opens the feedback of that day.
 */
export function ExperienceChart({ orgId, scope }: { orgId: string; scope: string }) {
  const [measure, setMeasure] = useState<Measure>('nps');
  const { resource, reload } = useResource(
    () => api.get<Experience>(`/v1/orgs/${orgId}/experience`, { scope }),
    [orgId, scope],
  );
  return (
    <div class="card">
      <div class="toolbar">
        <h2>Customer experience by channel</h2>
        <label class="inline">
          Show{' '}
          <select value={measure} onChange={(event) => setMeasure(event.currentTarget.value as Measure)}>
            {Object.entries(MEASURES).map(([key, { label }]) => (
              <option key={key} value={key}>
                {label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <Show resource={resource} retry={reload} what="Loading experience trends">
        {(experience) => <ExperienceLines experience={experience} measure={measure} />}
      </Show>
    </div>
  );
}

function ExperienceLines({ experience, measure }: { experience: Experience; measure: Measure }) {
  const { times, series } = useMemo(() => {
    const days = [...new Set(experience.channels.flatMap((c) => c.days.map((d) => d.day)))].sort();
    const lines: Series[] = experience.channels
      .map((channel, index) => {
        const byDay = new Map(channel.days.map((day) => [day.day, MEASURES[measure].value(day)]));
        return {
          label: channel.channel,
          colour: CHANNEL_COLOURS[index % CHANNEL_COLOURS.length]!,
          values: days.map((day) => byDay.get(day) ?? null),
        };
      })
      .filter((line) => line.values.some((value) => value !== null));
    return { times: days.map(dayTime), series: lines };
  }, [experience, measure]);

  if (series.length === 0) {
    return (
      <Empty>
        No {MEASURES[measure].label.replace(/ \(.*\)$/, '')} answers between {experience.window.from} and{' '}
        {experience.window.to}.
      </Empty>
    );
  }
  const pickDay = (time: number) => {
    const day = new Date(time * 1000).toISOString().slice(0, 10);
    const from = new Date(`${day}T00:00:00Z`);
    navigate('/feedback', {
      from: from.toISOString(),
      to: new Date(from.getTime() + 86_400_000).toISOString(),
    });
  };
  return (
    <>
      <LineChart
        times={times}
        series={series}
        title={`${MEASURES[measure].label} per channel, ${experience.window.from} to ${experience.window.to}`}
        onPick={pickDay}
        minSpanSeconds={WEEK_SECONDS}
      />
      <p class="muted small">
        Days the customers gave their feedback (UTC). Click a point to see that day's feedback.
      </p>
    </>
  );
}
