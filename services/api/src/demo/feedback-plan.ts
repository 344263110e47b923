import { SeededRandom } from './random.js';
import {
  type RatingRange,
  type Scenario,
  scenarioNamed,
  scenarioWeights,
  slotValues,
  storesOfUnit,
} from './scenarios.js';

export const demoUnits = [
  { key: 'north', name: 'North region' },
  { key: 'south', name: 'South region' },
] as const;
export type DemoUnitKey = (typeof demoUnits)[number]['key'];

/** The kinds of source the demo feeds, each posting its vendor's own webhook. */
export type DemoChannel = 'web' | 'typeform' | 'zendesk' | 'twilio' | 'mailgun';

export interface DemoCustomer {
  ref: string;
  email: string;
  phone: string;
  unit: DemoUnitKey;
}

/** One piece of feedback the demo will send: what the customer says, and through which channel. */
export interface DemoFeedback {
  /** Stable across runs with the same seed: the sender's id, so a rerun is recognised as a redelivery. */
  id: string;
  channel: DemoChannel;
  scenario: Scenario;
  text: string;
  subject: string;
  nps?: number;
  csat?: number;
  ces?: number;
  touchpoint: string;
  unit: DemoUnitKey;
  customer: DemoCustomer;
  occurredAt: Date;
}

const CUSTOMER_COUNT = 320;

/**
 * The demo's customers: a fixed pool for a seed, shared by the history and the live trickle, so some of them
 * write more than once (repeat contact links their cases).
 */
export function demoCustomers(seed: number): DemoCustomer[] {
  const random = new SeededRandom(seed ^ 0x5eed_c0de);
  return Array.from({ length: CUSTOMER_COUNT }, (_, index) => {
    const number = 10_001 + index;
    return {
      ref: `NW-C${number}`,
      email: `customer${number}@example.com`,
      // Ofcom's range reserved for drama: never a real subscriber.
      phone: `+447700900${String(index % 1000).padStart(3, '0')}`,
      unit: random.chance(0.55) ? 'north' : 'south',
    };
  });
}

function rating([min, max]: RatingRange, random: SeededRandom): number {
  return random.int(min, max);
}

function fill(template: string, random: SeededRandom, customer: DemoCustomer): string {
  return template.replace(/\{(\w+)\}/g, (_, slot: string) => {
    switch (slot) {
      case 'store':
        return random.pick(storesOfUnit[customer.unit] ?? []);
      case 'phone':
        return `07700 900${customer.phone.slice(-3)}`;
      case 'email':
        return customer.email;
      case 'days':
        return String(random.int(2, 9));
      case 'weeks':
        return String(random.int(2, 6));
      case 'minutes':
        return String(random.pick([25, 35, 40, 55, 70]));
      case 'order':
        return `NW-${random.int(480_000, 499_999)}`;
      default: {
        const values = slotValues[slot as keyof typeof slotValues];
        if (!values) throw new RangeError(`unknown slot {${slot}} in a demo text`);
        return random.pick(values);
      }
    }
  });
}

/** Which ratings each channel asks for: the survey asks NPS and CSAT; the web widget one of the three. */
function ratingsFor(channel: DemoChannel, scenario: Scenario, random: SeededRandom) {
  switch (channel) {
    case 'typeform':
      return { nps: rating(scenario.nps, random), csat: rating(scenario.csat, random) };
    case 'web': {
      const asked = random.weighted<'nps' | 'csat' | 'ces' | 'none'>([
        ['nps', 4],
        ['csat', 3],
        ['ces', scenario.touchpoint === 'customer-service' || scenario.touchpoint === 'app' ? 4 : 1],
        ['none', 2],
      ]);
      return asked === 'none' ? {} : { [asked]: rating(scenario[asked], random) };
    }
    default:
      // Tickets, texts and emails are words only (Zendesk's satisfaction answer is derived when it is sent).
      return {};
  }
}

/** Writes one feedback for a scenario: a text composed from its sentence groups, and ratings that fit it. */
export function composeFeedback(
  random: SeededRandom,
  input: { id: string; channel: DemoChannel; scenarioKey: string; customer: DemoCustomer; occurredAt: Date },
): DemoFeedback {
  const scenario = scenarioNamed(input.scenarioKey);
  const unit = input.customer.unit;
  const text = scenario.parts
    .map((group) => fill(random.pick(group), random, input.customer))
    .filter((sentence) => sentence.length > 0)
    .join(' ');
  return {
    id: input.id,
    channel: input.channel,
    scenario,
    text,
    subject: fill(random.pick(scenario.subjects), random, input.customer),
    ...ratingsFor(input.channel, scenario, random),
    touchpoint: scenario.touchpoint,
    unit,
    customer: input.customer,
    occurredAt: input.occurredAt,
  };
}

const HISTORY_CHANNELS: readonly (readonly [DemoChannel, number])[] = [
  ['web', 62],
  ['typeform', 24],
  ['zendesk', 14],
];

export interface HistoryOptions {
  seed: number;
  days: number;
  /** Average feedback a day across the channels; weekends bring a third more. */
  perDay: number;
  now: Date;
}

/**
 * The past `days` days of feedback, oldest first. Ids, texts and ratings depend only on the seed, days and
 * volume; dates are relative to `now`. Only channels whose vendor payload carries a date are in the history
 * (generic JSON, Typeform, Zendesk tickets); SMS and email are dated on arrival, so a few of them come today.
 */
export function historyPlan(options: HistoryOptions, random: SeededRandom): DemoFeedback[] {
  const customers = demoCustomers(options.seed);
  const plan: DemoFeedback[] = [];
  const startOfToday = Date.UTC(
    options.now.getUTCFullYear(),
    options.now.getUTCMonth(),
    options.now.getUTCDate(),
  );
  for (let daysAgo = options.days; daysAgo >= 1; daysAgo--) {
    const dayStart = startOfToday - daysAgo * 86_400_000;
    const weekday = new Date(dayStart).getUTCDay();
    const busy = weekday === 0 || weekday === 6 ? 1.33 : 1;
    const count = Math.max(1, Math.round(options.perDay * busy * (0.75 + random.next() * 0.5)));
    // What customers write about depends on the day and, since the South stores' coaching, on their unit.
    const weights = { north: scenarioWeights(daysAgo, 'north'), south: scenarioWeights(daysAgo, 'south') };
    for (let n = 0; n < count; n++) {
      const channel = random.weighted(HISTORY_CHANNELS);
      // Opening hours, 07:00–22:59 UTC.
      const occurredAt = new Date(dayStart + random.int(7 * 3600, 23 * 3600 - 1) * 1000);
      const customer = random.pick(customers);
      plan.push(
        composeFeedback(random, {
          id: `demo-${channel}-${options.seed}-d${daysAgo}-${n}`,
          channel,
          scenarioKey: random.weighted(weights[customer.unit]),
          customer,
          occurredAt,
        }),
      );
    }
  }
  // SMS and email carry no date a sender can set: a few of each arrive "today", so their sources have some.
  for (const channel of ['twilio', 'mailgun'] as const) {
    for (let n = 0; n < Math.max(1, Math.round(options.perDay / 4)); n++) {
      const customer = random.pick(customers);
      plan.push(
        composeFeedback(random, {
          id: `demo-${channel}-${options.seed}-today-${n}`,
          channel,
          scenarioKey: random.weighted(scenarioWeights(0, customer.unit)),
          customer,
          occurredAt: options.now,
        }),
      );
    }
  }
  return plan;
}

const LIVE_CHANNELS: readonly (readonly [DemoChannel, number])[] = [
  ['web', 40],
  ['typeform', 18],
  ['twilio', 18],
  ['mailgun', 12],
  ['zendesk', 12],
];

/**
 * The live feedback generator: what arrives now, from every channel. Threats and safety reports come four
 * times as often as in the history, so the inbox visibly fills while the scores move.
 */
export function liveFeedback(seed: number, runId: string, random: SeededRandom): () => DemoFeedback {
  const customers = demoCustomers(seed);
  const liveWeights = (unit: DemoUnitKey) =>
    scenarioWeights(0, unit).map(([key, weight]): [string, number] => [
      key,
      scenarioNamed(key).mood === 'escalation' ? weight * 4 : weight,
    ]);
  const weights = { north: liveWeights('north'), south: liveWeights('south') };
  let count = 0;
  return () => {
    const channel = random.weighted(LIVE_CHANNELS);
    count += 1;
    const customer = random.pick(customers);
    return composeFeedback(random, {
      id: `demo-live-${channel}-${runId}-${count}`,
      channel,
      scenarioKey: random.weighted(weights[customer.unit]),
      customer,
      occurredAt: new Date(),
    });
  };
}
