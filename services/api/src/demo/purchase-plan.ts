import type { OutcomeEvent } from '@cxloop/contracts';
import { composeFeedback, type DemoCustomer, type DemoFeedback, demoCustomers } from './feedback-plan.js';
import type { SeededRandom } from './random.js';

/**
 * A year of Northwind Living's orders for the demo customers, and the post-purchase survey each of them
 * answered after their first order. Customers buy at their own rate and, after any order, may stop for good
 * (the buying pattern BG/NBD describes); a few refund an order; some hold a monthly "Care plan" that they
 * renew until they cancel. Built-in effect, for the "Loyalty & value" view to find: a customer whose
 * survey answer complained about a late delivery stops buying after it about twice as often as the others.
 */
export interface PurchasePlan {
  outcomes: OutcomeEvent[];
  /** One post-purchase survey answer per feedback customer, dated days after their first order. */
  surveys: DemoFeedback[];
}

export interface PurchasePlanOptions {
  seed: number;
  now: Date;
}

const DAY_MS = 86_400_000;
/** Shoppers who never write to us, beside the 320 feedback customers: the models need a few hundred buyers. */
const SILENT_SHOPPERS = 480;
/** After answering the survey: the chance of never buying again, for late-delivery complainers and the rest. */
const STOP_AFTER_LATE_DELIVERY = 0.55;
const STOP_AFTER_OTHER_ANSWERS = 0.25;
const SURVEY_SCENARIOS: readonly (readonly [string, number])[] = [
  ['delivery_late', 28],
  ['staff_praise', 18],
  ['general_ok', 16],
  ['price_value', 12],
  ['product_quality', 10],
  ['app_praise', 8],
  ['billing_error', 8],
];
const CHANNELS = ['web', 'app', 'store'] as const;
const CARE_PLAN_PRICE = 6.99;

/** A Gamma draw with integer shape (sum of exponentials): spend and buying rates are skewed like that. */
function erlang(random: SeededRandom, shape: number, mean: number): number {
  let sum = 0;
  for (let i = 0; i < shape; i++) sum -= Math.log(1 - random.next());
  return (sum / shape) * mean;
}

interface Shopper {
  ref: string;
  segment: 'home' | 'trade';
  region: string;
  /** First order this many days before now. */
  firstOrderDaysAgo: number;
}

export function purchasePlan(options: PurchasePlanOptions, random: SeededRandom): PurchasePlan {
  const now = options.now.getTime();
  const feedbackCustomers = demoCustomers(options.seed);
  const outcomes: OutcomeEvent[] = [];
  const surveys: DemoFeedback[] = [];
  const shoppers: { shopper: Shopper; customer?: DemoCustomer }[] = [
    // Feedback customers started long enough ago that 90 days after their survey answer are over.
    ...feedbackCustomers.map((customer) => ({
      customer,
      shopper: {
        ref: customer.ref,
        segment: random.chance(0.2) ? ('trade' as const) : ('home' as const),
        region: customer.unit,
        firstOrderDaysAgo: random.int(120, 360),
      },
    })),
    ...Array.from({ length: SILENT_SHOPPERS }, (_, i) => ({
      shopper: {
        ref: `NW-S${20_001 + i}`,
        segment: random.chance(0.2) ? ('trade' as const) : ('home' as const),
        region: random.chance(0.55) ? 'north' : 'south',
        firstOrderDaysAgo: random.int(1, 364),
      },
    })),
  ];

  for (const { shopper, customer } of shoppers) {
    // Trade customers buy bigger baskets; the bigger spenders lean to the app.
    const meanBasket = erlang(random, 3, shopper.segment === 'trade' ? 140 : 55);
    const daysBetweenOrders = erlang(random, 2, 45);
    // Beta(1, 5): most customers rarely stop after an order, a few stop soon (mean 1 in 6).
    const stopAfterOrder = 1 - (1 - random.next()) ** (1 / 5);
    const appShare = Math.min(0.8, 0.15 + meanBasket / 400);
    let orders = 0;
    const order = (at: number) => {
      orders += 1;
      const amount = Math.round(erlang(random, 6, meanBasket) * 100) / 100 + 1;
      const channel = random.chance(appShare) ? 'app' : random.pick(CHANNELS.filter((c) => c !== 'app'));
      const externalId = `demo-order-${options.seed}-${shopper.ref}-${orders}`;
      outcomes.push({
        type: 'outcome',
        externalId,
        kind: 'purchase',
        customerRef: shopper.ref,
        occurredAt: new Date(at).toISOString(),
        amount,
        currency: 'GBP',
        orderRef: externalId.replace('demo-order', 'NW'),
        channel,
        segment: shopper.segment,
        region: shopper.region,
      });
      const refundAt = at + random.int(3, 20) * DAY_MS;
      if (random.chance(0.05) && refundAt < now) {
        outcomes.push({
          type: 'outcome',
          externalId: `${externalId}-refund`,
          kind: 'refund',
          customerRef: shopper.ref,
          occurredAt: new Date(refundAt).toISOString(),
          amount,
          currency: 'GBP',
          orderRef: externalId.replace('demo-order', 'NW'),
          channel,
        });
      }
    };

    let at = now - shopper.firstOrderDaysAgo * DAY_MS + random.int(9 * 3600, 20 * 3600) * 1000;
    order(at);
    let stopped = false;
    if (customer) {
      const answeredAt = at + random.int(2, 10) * DAY_MS;
      const scenarioKey = random.weighted(SURVEY_SCENARIOS);
      // Composed as the survey channel asks (NPS and CSAT), sent through the website's import.
      surveys.push({
        ...composeFeedback(random, {
          id: `demo-survey-${options.seed}-${shopper.ref}`,
          channel: 'typeform',
          scenarioKey,
          customer,
          occurredAt: new Date(answeredAt),
        }),
        channel: 'web',
      });
      stopped = random.chance(
        scenarioKey === 'delivery_late' ? STOP_AFTER_LATE_DELIVERY : STOP_AFTER_OTHER_ANSWERS,
      );
      // Whoever stays orders again after answering, so their next order follows the answer.
      at = Math.max(at, answeredAt);
    }
    while (!stopped) {
      at += erlang(random, 1, daysBetweenOrders) * DAY_MS;
      if (at >= now) break;
      order(at);
      stopped = random.chance(stopAfterOrder);
    }
    if (random.chance(0.12)) carePlan(outcomes, shopper, now, options.seed, random);
  }
  outcomes.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
  return { outcomes, surveys };
}

/** A monthly Care plan from a month after the first order: renewed each month until cancelled. */
function carePlan(
  outcomes: OutcomeEvent[],
  shopper: Shopper,
  now: number,
  seed: number,
  random: SeededRandom,
): void {
  let at = now - (shopper.firstOrderDaysAgo - 30) * DAY_MS;
  for (let month = 1; at < now; month++) {
    const id = `demo-care-${seed}-${shopper.ref}-${month}`;
    if (month > 1 && random.chance(0.07)) {
      outcomes.push({
        type: 'outcome',
        externalId: `${id}-cancel`,
        kind: 'cancellation',
        customerRef: shopper.ref,
        occurredAt: new Date(at).toISOString(),
        plan: 'care',
      });
      return;
    }
    outcomes.push({
      type: 'outcome',
      externalId: id,
      kind: 'renewal',
      customerRef: shopper.ref,
      occurredAt: new Date(at).toISOString(),
      amount: CARE_PLAN_PRICE,
      currency: 'GBP',
      plan: 'care',
    });
    at += 30 * DAY_MS;
  }
}
