export {
  ANALYSER_VERSION,
  type AnalyseOptions,
  analyseFeedback,
  type FeedbackInput,
  type SentenceAnalysis,
  type SentimentResult,
  type TextAnalysis,
  type TopicAnalysis,
} from './analyse.js';
export type { EffortAssessment, EffortSignal, EffortSignalCode } from './effort.js';
export type { Evidence } from './evidence.js';
export { FLAG_LABELS, type Flag, type FlagCode, type Severity } from './flags.js';
export {
  addDocument,
  type CorpusStats,
  documentTerms,
  emptyCorpusStats,
  inverseDocumentFrequency,
  type Keyword,
  tfIdf,
} from './keywords.js';
export type { DetectedLanguage } from './language.js';
export {
  isValidIban,
  type PiiOptions,
  type PiiRedaction,
  type PiiSpan,
  type PiiType,
  passesLuhn,
  redactPii,
} from './pii.js';
export { isPhoneRegion } from './pii-phone.js';
export { type SentimentLabel, sentimentLabel, sentimentScore } from './sentiment.js';
export {
  applyTaxonomyChange,
  type OrganisationTopic,
  type TaxonomyChange,
  TaxonomyError,
  type TaxonomyForAnalysis,
  type TopicStatus,
  taxonomyForAnalysis,
  topicsInUse,
} from './taxonomy.js';
export {
  discoverTopicCandidates,
  type TopicCandidate,
  type TopicDiscoveryOptions,
  type UncoveredFeedback,
} from './topic-discovery.js';
export { expandCustomTopics, type TopicExpansionOptions } from './topic-expansion.js';
export {
  type CustomTopic,
  DEFAULT_TOPICS,
  organisationTopics,
  type TopicDefinition,
} from './topics.js';
