// The organisation-topic check: an airline's eight complaint reasons, each given as at most five seed terms, matched
// against hand-labelled complaints, first by the seeds alone, then widened with the organisation's own feedback
// (expandCustomTopics over every complaint's text, labels unseen: built-in topics lend their terms, co-occurring words
// are learned). Tuning and held-out halves are reported apart.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyseFeedback, type CustomTopic, expandCustomTopics } from '../src/index.js';
import { type ClassScores, classScores } from './metrics.js';

export const REASONS_TUNING = join(import.meta.dirname, 'fixtures', 'complaint-reasons-tuning.tsv');
export const REASONS_HELD_OUT = join(import.meta.dirname, 'fixtures', 'complaint-reasons-heldout.tsv');

/** What an administrator would type: at most five seed terms per reason, chosen before any expansion ran. */
export const AIRLINE_TOPICS: readonly CustomTopic[] = [
  { id: 'late_flight', label: 'Late flight', seedTerms: ['delay', 'late', 'on time', 'departure', 'tarmac'] },
  {
    id: 'cancelled_flight',
    label: 'Cancelled flight',
    seedTerms: ['cancelled', 'cancellation', 'rebooked', 'voucher', 'next flight'],
  },
  {
    id: 'lost_luggage',
    label: 'Lost luggage',
    seedTerms: ['lost bag', 'luggage', 'baggage claim', 'suitcase', 'missing bag'],
  },
  {
    id: 'damaged_luggage',
    label: 'Damaged luggage',
    seedTerms: ['damaged', 'broken', 'wheel', 'handle', 'torn'],
  },
  {
    id: 'customer_service',
    label: 'Customer service',
    seedTerms: ['customer service', 'on hold', 'agent', 'phone', 'reply'],
  },
  {
    id: 'booking_problems',
    label: 'Booking problems',
    seedTerms: ['booking', 'website', 'reservation', 'seat selection', 'change fee'],
  },
  {
    id: 'flight_attendants',
    label: 'Flight attendants',
    seedTerms: ['flight attendant', 'crew', 'stewardess', 'cabin staff', 'attendant'],
  },
  { id: 'bad_flight', label: 'Bad flight', seedTerms: ['seat', 'legroom', 'food', 'wifi', 'entertainment'] },
];

interface LabelledComplaint {
  text: string;
  reasons: string[];
}

export function loadComplaints(path: string): LabelledComplaint[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => {
      const [reasons, text] = line.split('\t');
      if (reasons === undefined || text === undefined) throw new Error(`Malformed complaint line: ${line}`);
      return { text, reasons: reasons.split(',') };
    });
}

export interface TopicEvaluation {
  perTopic: Record<string, ClassScores>;
  macroF1: number;
  /** Share of complaints that got none of the organisation's topics. */
  noTopic: number;
}

export function evaluateTopics(
  rows: readonly LabelledComplaint[],
  topics: readonly CustomTopic[],
): TopicEvaluation {
  const ids = topics.map((topic) => topic.id);
  const counts = new Map(ids.map((id) => [id, { tp: 0, predicted: 0, actual: 0 }]));
  let noTopic = 0;
  for (const row of rows) {
    const found = new Set(
      analyseFeedback({ text: row.text }, { customTopics: topics })
        .topics.map((topic) => topic.id)
        .filter((id) => counts.has(id)),
    );
    if (found.size === 0) noTopic++;
    for (const id of ids) {
      const count = counts.get(id)!;
      if (found.has(id)) count.predicted++;
      if (row.reasons.includes(id)) count.actual++;
      if (found.has(id) && row.reasons.includes(id)) count.tp++;
    }
  }
  const perTopic: Record<string, ClassScores> = {};
  for (const [id, count] of counts) perTopic[id] = classScores(count.tp, count.predicted, count.actual);
  const macroF1 = Object.values(perTopic).reduce((sum, scores) => sum + scores.f1, 0) / ids.length;
  return { perTopic, macroF1, noTopic: noTopic / rows.length };
}

export interface TopicCheck {
  learnedTerms: Record<string, string[]>;
  tuning: { seeds: TopicEvaluation; expanded: TopicEvaluation };
  heldOut: { seeds: TopicEvaluation; expanded: TopicEvaluation };
}

export function runTopicCheck(): TopicCheck {
  const tuning = loadComplaints(REASONS_TUNING);
  const heldOut = loadComplaints(REASONS_HELD_OUT);
  // The organisation's own feedback: every complaint's text, without its labels.
  // Default settings, fixed before the held-out half was first scored: on the tuning half, where the seeds were
  // chosen, no setting can beat the seeds, so settings were not tuned.
  const expanded = expandCustomTopics(
    AIRLINE_TOPICS,
    [...tuning, ...heldOut].map((row) => row.text),
  );
  const learnedTerms = Object.fromEntries(
    expanded.map((topic, index) => [
      topic.id,
      topic.seedTerms.slice(AIRLINE_TOPICS[index]!.seedTerms.length),
    ]),
  );
  return {
    learnedTerms,
    tuning: { seeds: evaluateTopics(tuning, AIRLINE_TOPICS), expanded: evaluateTopics(tuning, expanded) },
    heldOut: { seeds: evaluateTopics(heldOut, AIRLINE_TOPICS), expanded: evaluateTopics(heldOut, expanded) },
  };
}

const fixed = (value: number) => value.toFixed(3);

export function printTopicCheck(check: TopicCheck): void {
  for (const [title, half] of [
    ['tuning half (seeds and settings chosen on it)', check.tuning],
    ['held-out half (never used to choose anything)', check.heldOut],
  ] as const) {
    console.log(`\nOrganisation topics (<= 5 seed terms each), ${title}`);
    console.log('topic                 seeds P     R    F1   expanded P     R    F1  support');
    for (const id of Object.keys(half.seeds.perTopic)) {
      const seeds = half.seeds.perTopic[id]!;
      const expanded = half.expanded.perTopic[id]!;
      console.log(
        `${id.padEnd(20)} ${fixed(seeds.precision).padStart(7)} ${fixed(seeds.recall)} ${fixed(seeds.f1)} ${fixed(expanded.precision).padStart(12)} ${fixed(expanded.recall)} ${fixed(expanded.f1)} ${String(seeds.support).padStart(8)}`,
      );
    }
    console.log(
      `macro-F1: seeds ${fixed(half.seeds.macroF1)}, expanded ${fixed(half.expanded.macroF1)}; complaints with no topic: seeds ${fixed(half.seeds.noTopic)}, expanded ${fixed(half.expanded.noTopic)}`,
    );
  }
  console.log('terms added to the seeds (borrowed from built-in topics, then learned from the feedback):');
  for (const [id, terms] of Object.entries(check.learnedTerms)) console.log(`  ${id}: ${terms.join(', ')}`);
}
