/**
 * The full analysis of one piece of feedback: what the analysis worker calls. Pure: same input, same output.
 */
import { assessEffort, type EffortAssessment } from './effort.js';
import { type Flag, raiseFlags, type Severity } from './flags.js';
import { type CorpusStats, countCandidateTerms, type Keyword, rankKeywords } from './keywords.js';
import { type DetectedLanguage, detectLanguage } from './language.js';
import { normaliseText } from './normalise.js';
import { type PiiOptions, type PiiRedaction, redactPii } from './pii.js';
import { splitSentences } from './sentences.js';
import {
  documentValence,
  type SentimentLabel,
  sentenceValences,
  sentimentLabel,
  squashValence,
} from './sentiment.js';
import { type Token, tokenise } from './tokenise.js';
import {
  type CompiledTaxonomy,
  type CustomTopic,
  compileTaxonomy,
  DEFAULT_TOPICS,
  findTopicMentions,
  type TopicMention,
} from './topics.js';

/** Bumped whenever a change can alter any result, so stored analyses say which analyser made them. */
export const ANALYSER_VERSION = 'cxloop-text/1.16.0';

export interface FeedbackInput {
  text: string;
  /** Net Promoter answer, 0–10. */
  nps?: number | null;
  /** Satisfaction answer as given (not used in scoring the text; kept for callers' symmetry). */
  csat?: number | null;
  /** Customer Effort Score, CES 2.0 agreement scale 1–7 (7 = very easy). */
  ces?: number | null;
  /** Earlier contacts by this customer about the same matter, as far as the caller knows. */
  priorContactCount?: number;
}

/** `defaultRegion` and `brandHandles` (PiiOptions) are the organisation's: its phone region, its own @handles. */
export interface AnalyseOptions extends PiiOptions {
  customTopics?: readonly CustomTopic[];
  /** Built-in topics the organisation retired or merged into its own: not detected. */
  retiredDefaultTopics?: readonly string[];
  corpus?: CorpusStats;
}

export interface SentimentResult {
  /** −1…+1; null when the text's language is not analysed (so it is not counted as neutral). */
  score: number | null;
  label: SentimentLabel | null;
}

export interface SentenceAnalysis {
  start: number;
  end: number;
  score: number | null;
  label: SentimentLabel | null;
}

export interface TopicAnalysis {
  id: string;
  label: string;
  /** Aspect sentiment: from the sentences that mention the topic, −1…+1. */
  sentiment: number;
  sentimentLabel: SentimentLabel;
  matchedTerms: string[];
  mentions: { start: number; end: number }[];
}

export interface TextAnalysis {
  analyserVersion: string;
  language: DetectedLanguage;
  sentiment: SentimentResult;
  sentences: SentenceAnalysis[];
  topics: TopicAnalysis[];
  keywords: Keyword[];
  flags: Flag[];
  severity: Severity;
  urgency: number;
  effort: EffortAssessment;
  pii: PiiRedaction;
}

const DEFAULT_TAXONOMY = compileTaxonomy();
const NO_CUSTOM_TOPICS: readonly CustomTopic[] = [];
// Organisation topics arrive as the same array object job after job; compile each array (and set of retired
// built-ins) once.
const compiledCustomTaxonomies = new WeakMap<readonly CustomTopic[], Map<string, CompiledTaxonomy>>();

function taxonomyFor(options: AnalyseOptions): CompiledTaxonomy {
  const customTopics = options.customTopics ?? NO_CUSTOM_TOPICS;
  const retired = options.retiredDefaultTopics ?? [];
  if (customTopics.length === 0 && retired.length === 0) return DEFAULT_TAXONOMY;
  const retiredKey = retired.join(',');
  let byRetired = compiledCustomTaxonomies.get(customTopics);
  if (byRetired === undefined) {
    byRetired = new Map();
    compiledCustomTaxonomies.set(customTopics, byRetired);
  }
  let compiled = byRetired.get(retiredKey);
  if (compiled === undefined) {
    const left = new Set(retired);
    compiled = compileTaxonomy(
      DEFAULT_TOPICS.filter((topic) => !left.has(topic.id)),
      customTopics,
    );
    byRetired.set(retiredKey, compiled);
  }
  return compiled;
}

function roundScore(score: number): number {
  return Math.round(score * 10_000) / 10_000;
}

function analyseTopics(
  taxonomy: CompiledTaxonomy,
  sentenceTokens: readonly (readonly Token[])[],
  sentenceValences: readonly number[],
): TopicAnalysis[] {
  const mentions: TopicMention[] = [];
  sentenceTokens.forEach((tokens, index) => {
    mentions.push(...findTopicMentions(taxonomy, tokens, index));
  });
  const topics: TopicAnalysis[] = [];
  if (mentions.length === 0) return topics;
  const mentioned = new Set(mentions.map((mention) => mention.topicId));
  for (const topic of taxonomy.topics) {
    if (!mentioned.has(topic.id) && topic.covers.size === 1) continue;
    const own = mentions.filter((mention) => topic.covers.has(mention.topicId));
    if (own.length === 0) continue;
    const sentences = new Set(own.map((mention) => mention.sentenceIndex));
    let valence = 0;
    for (const index of sentences) valence += sentenceValences[index]!;
    const sentiment = roundScore(squashValence(valence));
    topics.push({
      id: topic.id,
      label: topic.label,
      sentiment,
      sentimentLabel: sentimentLabel(sentiment),
      matchedTerms: [...new Set(own.map((mention) => mention.term))],
      mentions: own.map(({ start, end }) => ({ start, end })),
    });
  }
  return topics;
}

/** Blanks personal data (same length) so that no email or phone number becomes a keyword or topic evidence. */
function withoutPersonalData(text: string, pii: PiiRedaction): string {
  let result = text;
  for (const span of pii.spans) {
    result = result.slice(0, span.start) + ' '.repeat(span.end - span.start) + result.slice(span.end);
  }
  return result;
}

/**
 * Analyses one piece of feedback.
 * @example
 * const result = analyseFeedback({ text: 'On hold for an hour, I am cancelling my account.', nps: 2 });
 * result.flags.map((f) => f.code); // ['churn_threat', 'nps_detractor_complaint']
 */
export function analyseFeedback(input: FeedbackInput, options: AnalyseOptions = {}): TextAnalysis {
  const { text } = input;
  const pii = redactPii(text, options);
  const normalised = withoutPersonalData(normaliseText(text).text, pii);
  const spans = splitSentences(normalised);
  const sentenceTokens = spans.map((span) => tokenise(normalised, span.start, span.end));
  const language = detectLanguage(sentenceTokens.flat());
  const priorContactCount = input.priorContactCount ?? 0;

  if (!language.analysed) {
    const effort = assessEffort('', priorContactCount, input.ces);
    const flagged = raiseFlags({
      text: '',
      sentimentScore: null,
      nps: input.nps,
      priorContactCount,
      effort,
      hasNegativeTopic: false,
    });
    return {
      analyserVersion: ANALYSER_VERSION,
      language,
      sentiment: { score: null, label: null },
      sentences: spans.map(({ start, end }) => ({ start, end, score: null, label: null })),
      topics: [],
      keywords: [],
      flags: flagged.flags,
      severity: flagged.severity,
      urgency: flagged.urgency,
      effort,
      pii,
    };
  }

  const valences = sentenceValences(sentenceTokens);
  const score = roundScore(squashValence(documentValence(sentenceTokens, valences)));
  const sentences = spans.map(({ start, end }, index) => {
    const sentenceScore = roundScore(squashValence(valences[index]!));
    return { start, end, score: sentenceScore, label: sentimentLabel(sentenceScore) };
  });
  const topics = analyseTopics(taxonomyFor(options), sentenceTokens, valences);
  const keywords = rankKeywords(countCandidateTerms(sentenceTokens), options.corpus);
  const effort = assessEffort(normalised, priorContactCount, input.ces);
  const flagged = raiseFlags({
    text: normalised,
    sentimentScore: score,
    nps: input.nps,
    priorContactCount,
    effort,
    hasNegativeTopic: topics.some((topic) => topic.sentimentLabel === 'negative'),
  });
  return {
    analyserVersion: ANALYSER_VERSION,
    language,
    sentiment: { score, label: sentimentLabel(score) },
    sentences,
    topics,
    keywords,
    flags: flagged.flags,
    severity: flagged.severity,
    urgency: flagged.urgency,
    effort,
    pii,
  };
}
