/**
 * Topic detection against a customer-experience taxonomy that an organisation can extend, with sentiment per
 * topic (aspect sentiment) from the sentences that mention it.
 *
 * Term syntax in the default taxonomy: words separated by spaces; a word ending in `*` matches any word it
 * begins ("refund*" → refunds, refunded). Organisation topics are given as plain seed terms and match any
 * inflection with the same Porter stem ("parking" → parked, parks).
 */
import { stem } from './stemmer.js';
import type { Token } from './tokenise.js';

export interface TopicDefinition {
  id: string;
  label: string;
  /** Words or phrases that signal the topic. */
  terms: readonly string[];
  /** Phrases that contain a term but are not about the topic ("can't wait" for wait time). */
  excludes?: readonly string[];
}

/** An organisation's own topic, from a few seed terms (any inflection matches). */
export interface CustomTopic {
  id: string;
  label: string;
  seedTerms: readonly string[];
  /** Phrases that contain a seed term but are not about the topic ("thanks to the crew" for a crew topic). */
  excludes?: readonly string[];
  /** The broader topic this one belongs to: a mention of the child is also a mention of the parent. */
  parentId?: string | null;
}

export interface TopicMention {
  topicId: string;
  /** The words as the customer wrote them (lower-cased), not the taxonomy pattern. */
  term: string;
  sentenceIndex: number;
  start: number;
  end: number;
}

export const DEFAULT_TOPICS: readonly TopicDefinition[] = [
  {
    id: 'billing',
    label: 'Billing',
    terms: [
      'bill',
      'bills',
      'billed',
      'billing',
      'invoice*',
      'direct debit',
      'charged me',
      'charged twice',
      'double charged',
      'charged for',
      'charged again',
      'overcharg*',
      'extra charge*',
      'hidden charge*',
      'hidden fee*',
      'late fee*',
      'payment*',
      'paid twice',
      'my statement',
      'monthly statement',
      'bank statement',
      'wrong amount',
      'my account was charged',
      'taken from my account',
      'debited',
      'subscription fee*',
    ],
  },
  {
    id: 'price_value',
    label: 'Price and value',
    terms: [
      'price*',
      'pricing',
      'expensive',
      'overpriced',
      'pricey',
      'cheap',
      'cheaper',
      'cheapest',
      'value for money',
      'good value',
      'great value',
      'poor value',
      'bad value',
      'worth the money',
      'not worth',
      'costly',
      'costs',
      'cost',
      'affordable',
      'unaffordable',
      'rip off',
      'ripoff',
      'rip-off',
      'too much money',
      'bargain*',
      'deal',
    ],
    excludes: ['cost me my', 'at all costs', 'big deal', 'deal with', 'dealt with', 'dealing with'],
  },
  {
    id: 'delivery_delay',
    label: 'Delivery and delays',
    terms: [
      'deliver*',
      'shipping',
      'shipment*',
      'shipped',
      'dispatch*',
      'courier*',
      'parcel*',
      'package arrived',
      'tracking',
      'delay*',
      'late',
      'running late',
      'postpone*',
      'never arrived',
      'not arrived',
      "hasn't arrived",
      "didn't arrive",
      'still not arrived',
      'never turned up',
      "didn't turn up",
      'no show',
      'missed connection',
      'arrived late',
      'took weeks to arrive',
    ],
    excludes: ['late fee', 'late fees', 'too late to', 'of late', 'late night', 'late checkout'],
  },
  {
    id: 'wait_time',
    label: 'Wait time',
    terms: [
      'wait',
      'waits',
      'waited',
      'waiting',
      'on hold',
      'queue*',
      'hold music',
      'took ages',
      'for ages',
      'hours on the phone',
      'still waiting',
      'waiting time',
      'wait time',
      'response time',
      'took forever',
    ],
    excludes: [
      "can't wait",
      'cannot wait',
      'could not wait',
      "couldn't wait",
      'wait and see',
      'waiting staff',
    ],
  },
  {
    id: 'cancellation',
    label: 'Cancellation',
    terms: [
      'cancel',
      'cancels',
      'cancelled',
      'canceled',
      'cancelling',
      'canceling',
      'cancellation*',
      'terminate*',
      'termination',
      'unsubscrib*',
      'close my account',
      'closing my account',
      'end my contract',
      'end my subscription',
    ],
  },
  {
    id: 'refund',
    label: 'Refund',
    terms: [
      'refund*',
      'money back',
      'reimburs*',
      'chargeback',
      'compensation',
      'compensate*',
      'credit back',
      'credited back',
      'return label',
      'returned the',
      'returned it',
      'send it back',
      'sent it back',
    ],
  },
  {
    id: 'staff_attitude',
    label: 'Staff attitude',
    terms: [
      'staff',
      'employee*',
      'agent',
      'agents',
      'advisor*',
      'adviser*',
      'representative*',
      'rep',
      'cashier*',
      'waiter*',
      'waitress*',
      'waiting staff',
      'receptionist*',
      'manager',
      'crew',
      'flight attendant*',
      'driver',
      'attitude',
      'rude*',
      'polite*',
      'impolite',
      'friendly',
      'unfriendly',
      'helpful',
      'unhelpful',
      'courteous',
      'arrogant',
      'dismissive',
      'condescending',
      'patronising',
      'patronizing',
      'customer service',
      'team member*',
      'the lady',
      'the guy',
      'the man',
      'the woman',
      'shouted at',
      'yelled at',
      'laughed at',
      'went above and beyond',
      'professional',
      'unprofessional',
      'knowledgeable',
    ],
    excludes: [
      'friendly app',
      'user friendly',
      'user-friendly',
      'eco friendly',
      'eco-friendly',
      'pet friendly',
    ],
  },
  {
    id: 'product_quality',
    label: 'Product quality',
    terms: [
      'quality',
      'broke',
      'broken',
      'faulty',
      'defective',
      'stopped working',
      "doesn't work",
      'does not work',
      "didn't work",
      'poor quality',
      'fell apart',
      'build quality',
      'durable',
      'flimsy',
      'cheaply made',
      'product',
      'products',
      'well made',
      'badly made',
      'stale',
      'undercooked',
      'overcooked',
      'tasteless',
      'fake',
      'counterfeit',
      'wrong size',
      'damaged',
      'malfunction*',
      'scratched',
      'cracked',
      'leaking',
      'leaks',
    ],
  },
  {
    id: 'app_website',
    label: 'App and website',
    terms: [
      'app',
      'apps',
      'website',
      'web site',
      'site',
      'online',
      'login',
      'log in',
      'logging in',
      'password*',
      'portal',
      'online checkout',
      'checkout page',
      'error message',
      'error code',
      'crash*',
      'bug',
      'bugs',
      'buggy',
      'glitch*',
      'browser',
      'webpage',
      'web page',
      'the page',
      'user friendly',
      'user-friendly',
      'interface',
      'update broke',
      'laggy',
    ],
    excludes: ['on site', 'on-site', 'building site'],
  },
  {
    id: 'communication',
    label: 'Communication',
    terms: [
      'email*',
      'e-mail*',
      'call back',
      'called back',
      'call me back',
      'called me back',
      'ring back',
      'informed',
      'inform*',
      'kept me updated',
      'kept us updated',
      'no update*',
      'updates',
      'no response',
      'respond*',
      'reply',
      'replies',
      'replied',
      'heard back',
      'heard nothing',
      'letter*',
      'notif*',
      'text message*',
      'communicat*',
      'let me know',
      'let us know',
      'no one told',
      'nobody told',
      'never told',
      'explained',
      'explanation',
      'unanswered',
      'voicemail*',
      'messages',
      'my message',
    ],
  },
  {
    id: 'booking',
    label: 'Booking',
    terms: [
      'booking*',
      'booked',
      'reservation*',
      'reserved',
      'appointment*',
      'rebook*',
      'book a',
      'book an',
      'book the',
      'book online',
      'check-in',
      'check in',
      'checked in',
      'checkin',
      'seat allocation',
      'seat selection',
      'double booked',
      'overbooked',
      'ticket*',
    ],
  },
  {
    id: 'luggage_lost_item',
    label: 'Luggage and lost items',
    terms: [
      'luggage',
      'baggage',
      'suitcase*',
      'my bag',
      'my bags',
      'our bags',
      'checked bag*',
      'lost property',
      'lost and found',
      'left behind',
      'left my bag*',
      'left my coat',
      'left my phone',
      'left my laptop',
      'left my wallet',
      'lost my bag*',
      'lost my wallet',
      'lost my phone',
      'lost my coat',
      'lost my luggage',
      'lost my suitcase*',
      'missing item*',
      'belongings',
      'carousel',
      'hand luggage',
      'lost item*',
      'lost bag*',
    ],
  },
  {
    id: 'cleanliness',
    label: 'Cleanliness',
    terms: [
      'clean',
      'cleaner',
      'cleaning',
      'cleanliness',
      'dirty',
      'filthy',
      'smell*',
      'stain*',
      'hygien*',
      'unhygienic',
      'dust',
      'dusty',
      'toilet*',
      'bathroom*',
      'messy',
      'sticky',
      'mould*',
      'mold',
      'moldy',
      'cockroach*',
      'spotless',
    ],
    excludes: ['clean break', 'come clean'],
  },
];

/** How far apart the words of an organisation's phrase may stand: "missing bag" in "my bag has been missing". */
const LOOSE_PHRASE_REACH = 4;

type WordMatcher = { kind: 'exact' | 'prefix' | 'stem'; value: string };

interface CompiledTerm {
  topicIndex: number;
  words: readonly WordMatcher[];
  isExclusion: boolean;
}

/**
 * The topics an organisation's feedback is tagged with, as people read them: the built-in topics with an
 * organisation topic of the same id replacing it, then the organisation's own (the order analysis uses).
 */
export function organisationTopics(
  customTopics: readonly { id: string; label: string }[] = [],
): { id: string; label: string }[] {
  const customIds = new Set(customTopics.map((topic) => topic.id));
  return [...DEFAULT_TOPICS.filter((topic) => !customIds.has(topic.id)), ...customTopics].map(
    ({ id, label }) => ({ id, label }),
  );
}

export interface CompiledTaxonomy {
  /** `covers`: the topic and its sub-topics, whose mentions are its mentions too. */
  topics: readonly { id: string; label: string; covers: ReadonlySet<string> }[];
  byExactWord: ReadonlyMap<string, readonly CompiledTerm[]>;
  byPrefix: ReadonlyMap<string, readonly CompiledTerm[]>;
  byStem: ReadonlyMap<string, readonly CompiledTerm[]>;
  /** Organisation phrases of several words, by each of their stems: they also match with words between. */
  looseByStem: ReadonlyMap<string, readonly CompiledTerm[]>;
  longestPrefix: number;
}

function defaultWordMatcher(word: string): WordMatcher {
  return word.endsWith('*') ? { kind: 'prefix', value: word.slice(0, -1) } : { kind: 'exact', value: word };
}

function seedWordMatcher(word: string): WordMatcher {
  return { kind: 'stem', value: stem(word.replace(/\*$/, '')) };
}

function addTo(index: Map<string, CompiledTerm[]>, key: string, term: CompiledTerm): void {
  const list = index.get(key);
  if (list === undefined) index.set(key, [term]);
  else list.push(term);
}

function splitTerm(term: string): string[] {
  return term
    .toLowerCase()
    .trim()
    .split(/\s+/)
    .filter((word) => word !== '');
}

/** The topic and every topic below it (a parent cycle, which the taxonomy refuses, would stop at a repeat). */
function subtopicsOf(id: string, entries: readonly { id: string; parentId?: string | null }[]): Set<string> {
  const covers = new Set([id]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const entry of entries) {
      if (entry.parentId && covers.has(entry.parentId) && !covers.has(entry.id)) {
        covers.add(entry.id);
        grew = true;
      }
    }
  }
  return covers;
}

/**
 * Compiles topic definitions once into word indexes, so matching costs one map lookup per token.
 * Organisation topics come after the defaults; an organisation topic with a default's id replaces it.
 */
export function compileTaxonomy(
  definitions: readonly TopicDefinition[] = DEFAULT_TOPICS,
  customTopics: readonly CustomTopic[] = [],
): CompiledTaxonomy {
  const customIds = new Set(customTopics.map((topic) => topic.id));
  const entries: {
    id: string;
    label: string;
    terms: string[][];
    excludes: string[][];
    toMatcher: (w: string) => WordMatcher;
    parentId?: string | null;
  }[] = [
    ...definitions
      .filter((topic) => !customIds.has(topic.id))
      .map((topic) => ({
        id: topic.id,
        label: topic.label,
        terms: topic.terms.map(splitTerm),
        excludes: (topic.excludes ?? []).map(splitTerm),
        toMatcher: defaultWordMatcher,
      })),
    ...customTopics.map((topic) => ({
      id: topic.id,
      label: topic.label,
      terms: topic.seedTerms.map(splitTerm),
      excludes: (topic.excludes ?? []).map(splitTerm),
      toMatcher: seedWordMatcher,
      parentId: topic.parentId ?? null,
    })),
  ];
  const byExactWord = new Map<string, CompiledTerm[]>();
  const byPrefix = new Map<string, CompiledTerm[]>();
  const byStem = new Map<string, CompiledTerm[]>();
  const looseByStem = new Map<string, CompiledTerm[]>();
  let longestPrefix = 0;
  entries.forEach((entry, topicIndex) => {
    const compile = (words: string[], isExclusion: boolean) => {
      if (words.length === 0) return;
      const matchers = words.map(entry.toMatcher);
      const compiled: CompiledTerm = { topicIndex, words: matchers, isExclusion };
      const first = matchers[0]!;
      if (first.kind === 'stem' && matchers.length > 1 && !isExclusion) {
        for (const matcher of new Set(matchers.map((m) => m.value))) addTo(looseByStem, matcher, compiled);
      }
      if (first.kind === 'exact') addTo(byExactWord, first.value, compiled);
      else if (first.kind === 'stem') addTo(byStem, first.value, compiled);
      else {
        addTo(byPrefix, first.value, compiled);
        longestPrefix = Math.max(longestPrefix, first.value.length);
      }
    };
    for (const words of entry.terms) compile(words, false);
    for (const words of entry.excludes) compile(words, true);
  });
  return {
    topics: entries.map(({ id, label }) => ({ id, label, covers: subtopicsOf(id, entries) })),
    byExactWord,
    byPrefix,
    byStem,
    looseByStem,
    longestPrefix,
  };
}

function wordMatches(matcher: WordMatcher, token: Token, stemOf: (token: Token) => string): boolean {
  if (token.kind !== 'word') return false;
  if (matcher.kind === 'exact') return token.lower === matcher.value;
  if (matcher.kind === 'prefix') return token.lower.startsWith(matcher.value);
  return stemOf(token) === matcher.value;
}

/**
 * Finds topic mentions in one sentence's tokens. A mention inside an exclusion phrase of the same topic does not
 * count ("can't wait to come back" is not about waiting).
 */
export function findTopicMentions(
  taxonomy: CompiledTaxonomy,
  tokens: readonly Token[],
  sentenceIndex: number,
): TopicMention[] {
  const stems = new Map<Token, string>();
  const stemOf = (token: Token) => {
    let value = stems.get(token);
    if (value === undefined) {
      value = stem(token.lower);
      stems.set(token, value);
    }
    return value;
  };
  const found: { term: CompiledTerm; from: number; to: number }[] = [];
  const consider = (candidates: readonly CompiledTerm[] | undefined, index: number) => {
    if (candidates === undefined) return;
    for (const term of candidates) {
      let ok = index + term.words.length <= tokens.length;
      for (let k = 1; ok && k < term.words.length; k++)
        ok = wordMatches(term.words[k]!, tokens[index + k]!, stemOf);
      if (ok) found.push({ term, from: index, to: index + term.words.length - 1 });
    }
  };
  // "missing bag" also in "my bag has been missing", "lost bag" in "lost my golf bag": an organisation's phrase
  // matches when its words stand within a few words of each other, in any order, in one sentence.
  const considerLoosely = (candidates: readonly CompiledTerm[] | undefined, index: number) => {
    if (candidates === undefined) return;
    for (const term of candidates) {
      const from = Math.max(0, index - LOOSE_PHRASE_REACH);
      const to = Math.min(tokens.length - 1, index + LOOSE_PHRASE_REACH);
      let last = index;
      let first = index;
      const all = term.words.every((matcher) => {
        for (let k = from; k <= to; k++) {
          if (tokens[k]!.kind === 'word' && stemOf(tokens[k]!) === matcher.value) {
            last = Math.max(last, k);
            first = Math.min(first, k);
            return true;
          }
        }
        return false;
      });
      const strict = found.some((hit) => hit.term === term && hit.from === first && hit.to === last);
      if (all && first === index && !strict) found.push({ term, from: first, to: last });
    }
  };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind !== 'word') continue;
    if (taxonomy.looseByStem.size > 0) considerLoosely(taxonomy.looseByStem.get(stemOf(token)), i);
    consider(taxonomy.byExactWord.get(token.lower), i);
    const maxPrefix = Math.min(token.lower.length, taxonomy.longestPrefix);
    for (let length = 2; length <= maxPrefix; length++)
      consider(taxonomy.byPrefix.get(token.lower.slice(0, length)), i);
    if (taxonomy.byStem.size > 0) consider(taxonomy.byStem.get(stemOf(token)), i);
  }
  const mentions: TopicMention[] = [];
  for (const hit of found) {
    if (hit.term.isExclusion) continue;
    const excluded = found.some(
      (other) =>
        other.term.isExclusion &&
        other.term.topicIndex === hit.term.topicIndex &&
        other.from <= hit.to &&
        hit.from <= other.to,
    );
    if (excluded) continue;
    mentions.push({
      topicId: taxonomy.topics[hit.term.topicIndex]!.id,
      term: tokens
        .slice(hit.from, hit.to + 1)
        .map((token) => token.lower)
        .join(' '),
      sentenceIndex,
      start: tokens[hit.from]!.start,
      end: tokens[hit.to]!.end,
    });
  }
  return mentions;
}
