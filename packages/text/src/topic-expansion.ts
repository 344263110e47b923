/**
 * Organisation topics from a few seed terms, widened with the organisation's own feedback: words found mostly in
 * the feedback a topic's seeds find ("tarmac" and "gate" beside "delay") become terms of that topic. Pure: the caller passes the texts (for example its recent feedback) and stores the
 * result; `analyseFeedback` then matches the widened terms by stem like the seeds.
 */
import { isContentWord } from './keywords.js';
import { normaliseText } from './normalise.js';
import { stem } from './stemmer.js';
import { tokenise } from './tokenise.js';
import {
  type CustomTopic,
  compileTaxonomy,
  DEFAULT_TOPICS,
  findTopicMentions,
  type TopicDefinition,
} from './topics.js';

export interface TopicExpansionOptions {
  /** Built-in topics to borrow terms from (default: ours); [] borrows nothing. */
  template?: readonly TopicDefinition[];
  /** A template topic lends its terms when at least this many of an organisation topic's seeds are its terms. */
  minSharedSeeds?: number;
  /** At most this many learned terms per topic. */
  termsPerTopic?: number;
  /** A learned term must occur in at least this many of the topic's documents. */
  minDocuments?: number;
  /** The share of a term's documents that must be the topic's: how reliably the term alone points to it. */
  minPrecision?: number;
}

const DEFAULTS: Required<TopicExpansionOptions> = {
  template: DEFAULT_TOPICS,
  minSharedSeeds: 2,
  termsPerTopic: 8,
  minDocuments: 2,
  minPrecision: 0.6,
};
/** Words of one or two letters, and stems this short, say too little to stand for a topic. */
const MIN_STEM_LENGTH = 3;

interface DocumentView {
  /** Content-word stems in this document. */
  stems: ReadonlySet<string>;
  /** Topics whose seed terms this document mentions. */
  topics: ReadonlySet<string>;
}

function readDocuments(
  topics: readonly CustomTopic[],
  texts: readonly string[],
  surface: Map<string, Map<string, number>>,
) {
  const seeds = compileTaxonomy([], topics);
  return texts.map((text): DocumentView => {
    const tokens = tokenise(normaliseText(text).text);
    const stems = new Set<string>();
    for (const token of tokens) {
      if (!isContentWord(token) || !/^\p{L}+$/u.test(token.lower)) continue;
      const value = stem(token.lower);
      if (value.length < MIN_STEM_LENGTH) continue;
      stems.add(value);
      const forms = surface.get(value) ?? new Map<string, number>();
      forms.set(token.lower, (forms.get(token.lower) ?? 0) + 1);
      surface.set(value, forms);
    }
    const mentioned = new Set(findTopicMentions(seeds, tokens, 0).map((mention) => mention.topicId));
    return { stems, topics: mentioned };
  });
}

function sharedSeeds(topic: CustomTopic, definition: TopicDefinition): number {
  const compiled = compileTaxonomy([definition]);
  return topic.seedTerms.filter(
    (seed) => findTopicMentions(compiled, tokenise(seed.toLowerCase()), 0).length > 0,
  ).length;
}

/**
 * The built-in topics that organisation topics overlap with ("luggage" and "suitcase" are both luggage terms) lend
 * them their terms and exclusions: the seeds say what the topic is, the template knows how customers say it. A
 * built-in topic lends only to the one organisation topic that shares the most seeds with it, and to none on a tie,
 * so two organisation topics ("customer service", "cabin crew") never both take "staff attitude".
 */
export function borrowFromTemplate(
  topics: readonly CustomTopic[],
  template: readonly TopicDefinition[],
  minSharedSeeds: number,
): CustomTopic[] {
  const borrowed = topics.map((topic) => ({
    ...topic,
    seedTerms: [...topic.seedTerms],
    excludes: [...(topic.excludes ?? [])],
  }));
  for (const definition of template) {
    const shares = topics.map((topic) => sharedSeeds(topic, definition));
    const most = Math.max(...shares);
    if (most < minSharedSeeds || shares.filter((share) => share === most).length > 1) continue;
    const borrower = borrowed[shares.indexOf(most)]!;
    borrower.seedTerms.push(...definition.terms.filter((term) => !borrower.seedTerms.includes(term)));
    borrower.excludes.push(...(definition.excludes ?? []));
  }
  return borrowed;
}

function mostFrequentForm(forms: ReadonlyMap<string, number>): string {
  let best = '';
  let bestCount = 0;
  for (const [form, count] of forms) {
    if (count > bestCount || (count === bestCount && form < best)) {
      best = form;
      bestCount = count;
    }
  }
  return best;
}

/**
 * Returns the topics with learned terms added to their seed terms. A term goes to the one topic it points to most
 * reliably, so two topics never learn the same word.
 * @example expandCustomTopics([{ id: 'late', label: 'Late', seedTerms: ['delay'] }], feedbackTexts)
 */
export function expandCustomTopics(
  topics: readonly CustomTopic[],
  texts: readonly string[],
  options: TopicExpansionOptions = {},
): CustomTopic[] {
  const { template, minSharedSeeds, termsPerTopic, minDocuments, minPrecision } = { ...DEFAULTS, ...options };
  const borrowed = borrowFromTemplate(topics, template, minSharedSeeds);
  const surface = new Map<string, Map<string, number>>();
  const documents = readDocuments(borrowed, texts, surface);
  const documentFrequency = new Map<string, number>();
  for (const document of documents) {
    for (const value of document.stems) documentFrequency.set(value, (documentFrequency.get(value) ?? 0) + 1);
  }
  const seedStems = new Set(
    borrowed.flatMap((topic) =>
      topic.seedTerms.flatMap((term) => term.toLowerCase().replace(/\*/g, '').split(/\s+/).map(stem)),
    ),
  );
  // For every candidate stem, the topic it points to most reliably and how strongly.
  const best = new Map<string, { topicId: string; precision: number; score: number }>();
  for (const topic of borrowed) {
    const own = documents.filter((document) => document.topics.has(topic.id));
    if (own.length === 0) continue;
    const inTopic = new Map<string, number>();
    for (const document of own)
      for (const value of document.stems) inTopic.set(value, (inTopic.get(value) ?? 0) + 1);
    for (const [value, count] of inTopic) {
      if (count < minDocuments || seedStems.has(value)) continue;
      // Of the documents with this word, the share the topic's seeds found: "gate" (mostly delays) passes,
      // "every" (everywhere) does not.
      const precision = count / documentFrequency.get(value)!;
      if (precision < minPrecision) continue;
      const score = count * precision;
      const current = best.get(value);
      if (current === undefined || precision > current.precision)
        best.set(value, { topicId: topic.id, precision, score });
    }
  }
  return borrowed.map((topic) => {
    const learned = [...best.entries()]
      .filter(([, association]) => association.topicId === topic.id)
      .sort((a, b) => b[1].score - a[1].score || (a[0] < b[0] ? -1 : 1))
      .slice(0, termsPerTopic)
      .map(([value]) => mostFrequentForm(surface.get(value)!));
    return { ...topic, seedTerms: [...topic.seedTerms, ...learned] };
  });
}
