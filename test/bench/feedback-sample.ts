import type { Channel } from '@cxloop/contracts';
import { seededRandom } from '@cxloop/scoring/testing/nps-days';

/**
 * Realistic feedback for benchmarks: several channels with the ratings each channel really carries, units,
 * touchpoints, comments mixing topics and tones (some flagged: churn and legal threats, very negative
 * complaints), customer references from a bounded pool, receipt times spread over `spanDays` with more on
 * weekdays, and an analysis lag of seconds to hours. Seeded, so two runs load the same rows.
 */

// mulberry32: small, fast, seedable; benchmark data must be the same on every run.
export { seededRandom };

const praise = [
  'Lovely staff at the store, quick and friendly.',
  'Delivery arrived a day early, great service.',
  'The new app is easy to use and checkout was fast.',
  'Refund came through within two days, thank you.',
  'Good value for money, the quality is excellent.',
  'The agent on the phone was patient and solved it first time.',
  'Booking was simple and the reminder email was helpful.',
  'Very clean shop and the team were welcoming.',
];
const neutral = [
  'Ordered a jacket in size M.',
  'I used the website to change my address.',
  'Called about my invoice this morning.',
  'Picked up the parcel from the locker.',
];
const complaints = [
  'Delivery was two days late and nobody called back.',
  'The app keeps logging me out when I try to pay.',
  'Refund still not processed after three weeks, very frustrating!',
  'Waited forty minutes on hold before anyone answered.',
  'The staff member was rude and did not listen.',
  'Prices went up again and the quality is worse.',
  'I was charged twice on my bill and support ignored my emails.',
  'The booking system cancelled my appointment without telling me.',
  'The toilets were dirty and the floor was sticky.',
];
const threats = [
  'This is the third time I have complained, I am cancelling my account and switching to a competitor.',
  'If this is not fixed by Friday I will contact my lawyer.',
  'Absolutely disgusting service, worst experience ever, never again.',
];

interface ChannelProfile {
  channel: Channel;
  /** Share of all feedback arriving on this channel. */
  share: number;
  touchpoints: readonly (string | null)[];
  /** Share of this channel's feedback from a known customer. */
  identified: number;
  ratings: (random: () => number, tone: number) => { nps?: number; csat?: number; ces?: number };
}

const clamp = (value: number, low: number, high: number) => Math.max(low, Math.min(high, Math.round(value)));

/** tone ∈ [0, 1]: 0 furious, 1 delighted; ratings follow it with noise. */
export const channelProfiles: readonly ChannelProfile[] = [
  {
    channel: 'survey',
    share: 0.3,
    touchpoints: ['purchase', 'delivery', 'returns'],
    identified: 0.8,
    ratings: (r, tone) => ({ nps: clamp(tone * 10 + (r() - 0.5) * 3, 0, 10) }),
  },
  {
    channel: 'email',
    share: 0.15,
    touchpoints: ['support', 'billing'],
    identified: 0.95,
    ratings: (r, tone) => (r() < 0.6 ? { csat: clamp(1 + tone * 4 + (r() - 0.5), 1, 5) } : {}),
  },
  {
    channel: 'helpdesk',
    share: 0.2,
    touchpoints: ['support', 'billing', 'returns'],
    identified: 1,
    ratings: (r, tone) => ({
      csat: clamp(1 + tone * 4 + (r() - 0.5), 1, 5),
      ...(r() < 0.5 ? { ces: clamp(7 - tone * 6 + (r() - 0.5), 1, 7) } : {}),
    }),
  },
  {
    channel: 'sms',
    share: 0.15,
    touchpoints: ['delivery', 'appointment'],
    identified: 0.9,
    ratings: (r, tone) => (r() < 0.7 ? { nps: clamp(tone * 10 + (r() - 0.5) * 4, 0, 10) } : {}),
  },
  {
    channel: 'review',
    share: 0.1,
    touchpoints: [null],
    identified: 0,
    ratings: (r, tone) => ({ csat: clamp(1 + tone * 4 + (r() - 0.5), 1, 5) }),
  },
  {
    channel: 'chat',
    share: 0.1,
    touchpoints: ['support', 'purchase', null],
    identified: 0.6,
    ratings: () => ({}),
  },
];

export interface SampleFeedback {
  channel: Channel;
  /** Index into the organisation's units, or null for feedback not attributed to one. */
  unitIndex: number | null;
  touchpoint: string | null;
  customerRef: string | null;
  metadata: Record<string, unknown>;
  text: string;
  nps: number | null;
  csat: number | null;
  ces: number | null;
  receivedAt: Date;
  /** Receipt → analysis, in milliseconds. */
  analysisLagMs: number;
}

export interface SampleOptions {
  count: number;
  units: number;
  customers: number;
  spanDays: number;
  now: Date;
  seed?: number;
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

/** Seconds usually, minutes sometimes, hours rarely (a backlog after an outage). */
function analysisLagMs(random: () => number): number {
  const roll = random();
  if (roll < 0.85) return Math.round(500 + random() * 30_000);
  if (roll < 0.98) return Math.round(60_000 + random() * 30 * 60_000);
  return Math.round(3_600_000 + random() * 6 * 3_600_000);
}

/** A receipt time within the span, weekdays twice as busy as weekends, whole milliseconds. */
function receivedAt(random: () => number, now: Date, spanDays: number): Date {
  for (;;) {
    const at = new Date(now.getTime() - Math.floor(random() * spanDays * 86_400_000));
    const weekday = at.getUTCDay();
    if (weekday !== 0 && weekday !== 6) return at;
    if (random() < 0.5) return at;
  }
}

/** The channel whose slice of the cumulative shares holds `roll` ∈ [0, 1). */
function channelFor(roll: number): ChannelProfile {
  let cumulative = 0;
  for (const profile of channelProfiles) {
    cumulative += profile.share;
    if (roll < cumulative) return profile;
  }
  return channelProfiles[0]!;
}

export function generateFeedbackSample(options: SampleOptions): SampleFeedback[] {
  const random = seededRandom(options.seed ?? 20261123);
  const rows: SampleFeedback[] = [];
  for (let i = 0; i < options.count; i++) {
    const profile = channelFor(random());
    const tone = random();
    const sentences =
      tone < 0.04
        ? [pick(random, threats), pick(random, complaints)]
        : tone < 0.35
          ? [pick(random, complaints), ...(random() < 0.4 ? [pick(random, neutral)] : [])]
          : tone < 0.6
            ? [pick(random, neutral), ...(random() < 0.5 ? [pick(random, complaints)] : [])]
            : [pick(random, praise), ...(random() < 0.3 ? [pick(random, praise)] : [])];
    const ratings = profile.ratings(random, tone);
    const identified = random() < profile.identified;
    const customer = identified ? `cust-${Math.floor(random() * options.customers)}` : null;
    rows.push({
      channel: profile.channel,
      unitIndex: random() < 0.9 ? Math.floor(random() * options.units) : null,
      touchpoint: pick(random, profile.touchpoints),
      customerRef: customer,
      // CRM-linked channels carry a value segment for part of their known customers.
      metadata:
        customer && random() < 0.4 ? { value_segment: pick(random, ['gold', 'silver', 'bronze']) } : {},
      text: sentences.join(' '),
      nps: ratings.nps ?? null,
      csat: ratings.csat ?? null,
      ces: ratings.ces ?? null,
      receivedAt: receivedAt(random, options.now, options.spanDays),
      analysisLagMs: analysisLagMs(random),
    });
  }
  return rows;
}
