/**
 * What the demo's customers write about, written for the demo: a homeware retailer ("Northwind Living")
 * with an online shop, an app, home delivery and stores in two regions. Each scenario is a few groups of
 * sentence variants; a text takes one variant from each group, so a handful of lines gives hundreds of
 * distinct texts. The words are chosen to exercise the analyser: topics (delivery, billing, refunds, app,
 * staff, wait time, cancellation, quality, price), flags (churn and legal threats, safety, abuse, repeat
 * contact), personal data to redact (phone numbers, email addresses) and plain praise.
 */

export type Mood = 'praise' | 'neutral' | 'complaint' | 'escalation';
export type RatingRange = readonly [min: number, max: number];

export interface Scenario {
  key: string;
  mood: Mood;
  touchpoint: string;
  /** One sentence is taken from each group, in order; an empty string leaves that group out. */
  parts: readonly (readonly string[])[];
  /** Email subjects and ticket titles. */
  subjects: readonly string[];
  nps: RatingRange;
  csat: RatingRange;
  ces: RatingRange;
}

export const scenarios: readonly Scenario[] = [
  {
    key: 'delivery_late',
    mood: 'complaint',
    touchpoint: 'delivery',
    parts: [
      [
        'My {item} was due on {weekday} and it is now {days} days late.',
        'The courier never turned up for my {item} delivery.',
        'Order {order} still has not arrived and the tracking has not moved since {weekday}.',
        'I took a day off work for the delivery slot and nobody came.',
      ],
      [
        'Nobody called to say it was delayed.',
        'The tracking page just says "in transit" every day.',
        'The delivery window was 7am to 7pm and they still missed it.',
        '',
      ],
      ['Please tell me when it will actually arrive.', 'Really disappointing.', 'Not good enough.', ''],
    ],
    subjects: ['Where is my order {order}?', 'Delivery missed', 'Late delivery'],
    nps: [0, 5],
    csat: [1, 2],
    ces: [1, 3],
  },
  {
    key: 'delivery_praise',
    mood: 'praise',
    touchpoint: 'delivery',
    parts: [
      [
        'Delivery was quick and the {item} arrived a day early.',
        'The two delivery drivers were friendly and carried the {item} upstairs for me.',
        'Ordered on {weekday} evening, delivered the next morning.',
      ],
      ['Everything was well packed.', 'They even took the packaging away.', ''],
      ['Great service, thank you!', 'Will definitely order again.', ''],
    ],
    subjects: ['Thank you', 'Great delivery'],
    nps: [9, 10],
    csat: [4, 5],
    ces: [6, 7],
  },
  {
    key: 'billing_error',
    mood: 'complaint',
    touchpoint: 'billing',
    parts: [
      [
        'I was charged twice for order {order}.',
        'There is a payment of {amount} on my bank statement that I do not recognise.',
        'My invoice shows the wrong amount, {amount} instead of the price on the website.',
        'You took the payment for the {item} again after I had already paid.',
      ],
      [
        'I have checked with my bank and it is definitely your charge.',
        'Can someone explain the extra charge?',
        '',
      ],
      ['Please put it right.', 'I want this sorted today.', ''],
    ],
    subjects: ['Charged twice', 'Wrong amount on invoice', 'Unknown charge'],
    nps: [0, 4],
    csat: [1, 2],
    ces: [1, 3],
  },
  {
    key: 'refund_waiting',
    mood: 'complaint',
    touchpoint: 'returns',
    parts: [
      [
        'I returned the {item} {weeks} weeks ago and still no refund.',
        'Sent it back with your return label on {weekday} and the refund has not appeared.',
        'You promised my money back within five days. It has been {weeks} weeks.',
      ],
      [
        'Every time I ask I am told it is being processed.',
        'The return was signed for at your warehouse.',
        '',
      ],
      ['When will I get my refund?', 'This is not acceptable.', 'Email me at {email} when it is done.', ''],
    ],
    subjects: ['Refund missing', 'Still waiting for my refund', 'Return {order}'],
    nps: [0, 4],
    csat: [1, 2],
    ces: [1, 2],
  },
  {
    key: 'app_bug',
    mood: 'complaint',
    touchpoint: 'app',
    parts: [
      [
        'The app crashes every time I open my basket.',
        'I cannot log in on the website, the password reset email never arrives.',
        'Checkout page shows an error code when I try to pay.',
        'Since the last update the app is really slow and buggy.',
      ],
      ['I tried on my phone and my laptop.', 'Cleared the cache, still the same.', ''],
      ['Please fix it.', 'Very frustrating.', ''],
    ],
    subjects: ['App not working', 'Cannot log in', 'Error at checkout'],
    nps: [2, 6],
    csat: [1, 3],
    ces: [1, 3],
  },
  {
    key: 'app_praise',
    mood: 'praise',
    touchpoint: 'app',
    parts: [
      [
        'The new app makes reordering so easy.',
        'Love the room planner on the website.',
        'Checkout on the app took less than a minute.',
      ],
      ['Saved my card and address without any fuss.', ''],
      ['Nice work.', ''],
    ],
    subjects: ['Love the app'],
    nps: [8, 10],
    csat: [4, 5],
    ces: [6, 7],
  },
  {
    key: 'staff_praise',
    mood: 'praise',
    touchpoint: 'store-visit',
    parts: [
      [
        '{staff} at the {store} store went above and beyond to help me.',
        'The staff at {store} were friendly and knowledgeable.',
        '{staff} helped me choose a {item} and was really patient.',
      ],
      ['Nothing was too much trouble.', 'She even checked stock at another store.', ''],
      ['Brilliant service.', 'Thank you {staff}!', ''],
    ],
    subjects: ['Great help in store'],
    nps: [9, 10],
    csat: [5, 5],
    ces: [5, 7],
  },
  {
    key: 'staff_rude',
    mood: 'complaint',
    touchpoint: 'store-visit',
    parts: [
      [
        'The assistant at the {store} store was rude and dismissive when I asked about my order.',
        'Staff at {store} ignored me for ten minutes while they chatted.',
        'The manager at {store} was unhelpful and condescending.',
      ],
      ['I felt like I was a nuisance.', 'Not the service I expect from you.', ''],
      ['', 'Very poor.'],
    ],
    subjects: ['Rude staff'],
    nps: [0, 4],
    csat: [1, 2],
    ces: [2, 4],
  },
  {
    key: 'wait_time',
    mood: 'complaint',
    touchpoint: 'customer-service',
    parts: [
      [
        'I waited {minutes} minutes on hold to speak to someone.',
        'The queue at the tills in {store} took ages, only one till open.',
        'Still waiting for a reply to my email from last {weekday}.',
      ],
      ['The hold music on repeat did not help.', 'Nobody seemed to care.', ''],
      ['Please get more people on the phones.', ''],
    ],
    subjects: ['On hold for ages', 'No reply to my email'],
    nps: [2, 6],
    csat: [2, 3],
    ces: [1, 3],
  },
  {
    key: 'product_quality',
    mood: 'complaint',
    touchpoint: 'online-order',
    parts: [
      [
        'The {item} arrived damaged, the corner was cracked.',
        'My {item} fell apart after two weeks.',
        'The {item} looks nothing like the photos and feels cheaply made.',
      ],
      ['For the price I expected better quality.', 'I would like a replacement.', ''],
      ['Disappointed.', ''],
    ],
    subjects: ['Damaged {item}', 'Poor quality'],
    nps: [1, 6],
    csat: [1, 2],
    ces: [2, 4],
  },
  {
    key: 'price_value',
    mood: 'neutral',
    touchpoint: 'online-order',
    parts: [
      [
        'Good value for money compared to other shops.',
        'Prices have gone up a lot this year.',
        'The {item} was reasonably priced and does the job.',
      ],
      ['Delivery cost is a bit high though.', 'The sale was a good deal.', ''],
    ],
    subjects: ['Prices'],
    nps: [6, 9],
    csat: [3, 4],
    ces: [4, 6],
  },
  {
    key: 'general_ok',
    mood: 'neutral',
    touchpoint: 'online-order',
    parts: [
      ['Order arrived as expected.', 'All fine, no problems.', 'Easy to order, nothing special.'],
      ['The {item} is fine.', ''],
    ],
    subjects: ['Feedback'],
    nps: [7, 8],
    csat: [3, 4],
    ces: [5, 6],
  },
  {
    key: 'churn_threat',
    mood: 'escalation',
    touchpoint: 'customer-service',
    parts: [
      [
        'This is the third time my order has gone wrong.',
        'After the refund mess and the missed delivery I have had enough.',
        'I have been a loyal customer for years but this is the last straw.',
      ],
      [
        'I am going to cancel my account and take my business elsewhere.',
        'Please cancel my membership, I am switching to a competitor.',
        'I will never order from you again.',
      ],
    ],
    subjects: ['Cancel my account', 'Closing my account'],
    nps: [0, 2],
    csat: [1, 1],
    ces: [1, 2],
  },
  {
    key: 'legal_threat',
    mood: 'escalation',
    touchpoint: 'returns',
    parts: [
      [
        'My refund of {amount} is now {weeks} weeks overdue.',
        'You have ignored four emails about the faulty {item}.',
        'You charged my card twice and refuse to refund it.',
      ],
      [
        'If this is not resolved by {weekday} I will contact my solicitor.',
        'I am taking this to the small claims court.',
        'I have reported this to trading standards.',
        'Under the Consumer Rights Act I am entitled to a refund and I will take legal action.',
      ],
    ],
    subjects: ['Formal complaint', 'Final notice before legal action'],
    nps: [0, 1],
    csat: [1, 1],
    ces: [1, 2],
  },
  {
    key: 'safety',
    mood: 'escalation',
    touchpoint: 'online-order',
    parts: [
      [
        'The {item} started sparking when I plugged it in.',
        'The lamp overheated and the shade started to smoke.',
        'The shelf bracket snapped and the unit fell, it nearly hurt my daughter.',
      ],
      ['This is dangerous, please recall it.', 'I have unplugged it and kept it for you to inspect.', ''],
    ],
    subjects: ['Dangerous product', 'Safety issue'],
    nps: [0, 3],
    csat: [1, 1],
    ces: [1, 3],
  },
  {
    key: 'abuse',
    mood: 'escalation',
    touchpoint: 'delivery',
    parts: [
      [
        'The delivery driver shouted at me when I asked him to bring the parcel to the door.',
        'When I complained in the {store} store the man at the desk swore at me.',
      ],
      ['I was really shaken.', 'My children saw all of it.', ''],
    ],
    subjects: ['Complaint about your staff'],
    nps: [0, 2],
    csat: [1, 1],
    ces: [1, 2],
  },
  {
    key: 'repeat_contact',
    mood: 'complaint',
    touchpoint: 'customer-service',
    parts: [
      [
        'This is the fourth time I have contacted you about order {order}.',
        'I have called three times and emailed twice about the same problem.',
      ],
      ['Each time I am promised a call back that never comes.', 'Every agent tells me something different.'],
      ['Please just fix it.', 'Call me back on {phone}.', ''],
    ],
    subjects: ['Fourth time asking', 'Chasing again'],
    nps: [0, 4],
    csat: [1, 2],
    ces: [1, 1],
  },
];

const scenarioByKey = new Map(scenarios.map((scenario) => [scenario.key, scenario]));

export function scenarioNamed(key: string): Scenario {
  const scenario = scenarioByKey.get(key);
  if (!scenario) throw new RangeError(`no demo scenario ${key}`);
  return scenario;
}

/**
 * How often each scenario comes up `daysAgo` days before today, as weights. The history tells a story the
 * dashboard can show: a courier change three weeks ago makes late deliveries (and the threats that follow)
 * climb — a rising issue — while an app release about six weeks ago fixed most app bugs.
 */
/**
 * Days ago the South stores began coaching their teams and opened extra tills: from then on South's
 * customers meet friendly staff far more often, rude staff and queues far less. The demo's improvement
 * action measures this; North, unchanged, is its comparison group.
 */
export const SOUTH_COACHING_DAYS_AGO = 35;

export function scenarioWeights(daysAgo: number, unit: 'north' | 'south' | null = null): [string, number][] {
  const courierTrouble = daysAgo <= 21;
  const appFixed = daysAgo <= 45;
  const coached = unit === 'south' && daysAgo <= SOUTH_COACHING_DAYS_AGO;
  return [
    ['delivery_late', courierTrouble ? 16 : 6],
    ['delivery_praise', courierTrouble ? 5 : 9],
    ['billing_error', 5],
    ['refund_waiting', 6],
    ['app_bug', appFixed ? 3 : 10],
    ['app_praise', appFixed ? 7 : 3],
    ['staff_praise', coached ? 60 : 10],
    ['staff_rude', coached ? 0.3 : 3],
    ['wait_time', coached ? 1 : 6],
    ['product_quality', 5],
    ['price_value', 7],
    ['general_ok', 14],
    ['churn_threat', courierTrouble ? 3 : 1.5],
    ['legal_threat', 1],
    ['safety', 0.4],
    ['abuse', 0.4],
    ['repeat_contact', 2],
  ];
}

export const slotValues = {
  item: [
    'sofa',
    'oak dining table',
    'desk lamp',
    'wool rug',
    'bookcase',
    'duvet set',
    'bar stools',
    'wardrobe',
    'floor lamp',
    'mattress',
    'garden bench',
    'mirror',
  ],
  staff: ['Aisha', 'Ben', 'Carla', 'Dev', 'Ewan', 'Fatima', 'Grace', 'Hugo'],
  weekday: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
  amount: ['£24.99', '£89.00', '£149.50', '£312.00', '£45.20', '£649.00'],
} as const;

/** Store names of each demo unit, used in texts about store visits. */
export const storesOfUnit: Readonly<Record<string, readonly string[]>> = {
  north: ['Leeds', 'York', 'Manchester'],
  south: ['Bristol', 'Brighton', 'Reading'],
};
