/**
 * Topic discovery: what customers keep writing about that no topic covers. From feedback that got no topic,
 * recurring phrases (content words and two-word phrases, matched by stem) are grouped when they occur in the
 * same feedback, and each group becomes a candidate topic with its volume by week and a few examples. An
 * administrator promotes a candidate in one step: its terms become the new topic's seed terms.
 * Pure: the caller passes the texts (already redacted) and the time they were received.
 */
import { isContentWord } from './keywords.js';
import { normaliseText } from './normalise.js';
import { splitSentences } from './sentences.js';
import { stem } from './stemmer.js';
import { type Token, tokenise } from './tokenise.js';

export interface UncoveredFeedback {
  id: string;
  /** Redacted text: candidates and their examples are shown to managers. */
  text: string;
  receivedAt: Date;
}

export interface TopicCandidate {
  /** A topic id derived from the lead phrase ("seat_belt"), usable as the promoted topic's id. */
  id: string;
  label: string;
  /** At most five terms, the lead phrase first: the promoted topic's seed terms. */
  terms: string[];
  /** Feedback in the window that mentions any of the terms. */
  volume: number;
  /** Mentions per week, oldest first; the last entry is the week ending at `now`. */
  weekly: number[];
  /** Last week's volume against the mean of the weeks before (null when there were none). */
  trend: number | null;
  examples: { feedbackId: string; text: string }[];
}

export interface TopicDiscoveryOptions {
  /** A phrase must recur in at least this many feedback texts. */
  minDocuments?: number;
  /** Of a phrase's feedback, the share another phrase must share to join its group. */
  minOverlap?: number;
  maxCandidates?: number;
  weeks?: number;
}

const DEFAULTS: Required<TopicDiscoveryOptions> = {
  minDocuments: 3,
  minOverlap: 0.5,
  maxCandidates: 10,
  weeks: 8,
};
const TERMS_PER_CANDIDATE = 5;
const EXAMPLES_PER_CANDIDATE = 3;
const WEEK_MS = 7 * 24 * 3_600_000;
/** Stems this short ("go", "us") say too little to name a topic. */
const MIN_STEM_LENGTH = 3;
const MAX_SHARE = 0.4;
const MIN_FEEDBACK_FOR_SHARE = 50;

interface Phrase {
  key: string;
  /** Surface forms as written, by count: the commonest names the phrase. */
  forms: Map<string, number>;
  documents: Set<number>;
}

function isPhraseWord(token: Token): boolean {
  return isContentWord(token) && /^\p{L}+$/u.test(token.lower) && stem(token.lower).length >= MIN_STEM_LENGTH;
}

function phrasesOf(text: string): Map<string, string> {
  const normalised = normaliseText(text).text;
  const found = new Map<string, string>();
  for (const span of splitSentences(normalised)) {
    const tokens = tokenise(normalised, span.start, span.end);
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      if (!isPhraseWord(token)) continue;
      found.set(stem(token.lower), token.lower);
      const next = tokens[i + 1];
      if (next !== undefined && isPhraseWord(next))
        found.set(`${stem(token.lower)} ${stem(next.lower)}`, `${token.lower} ${next.lower}`);
    }
  }
  return found;
}

function commonest(forms: ReadonlyMap<string, number>): string {
  return [...forms.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
}

function candidateId(phrase: string): string {
  const slug = phrase.replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  return (/^[a-z]/.test(slug) ? slug : `t_${slug}`).slice(0, 48).padEnd(2, '_');
}

/**
 * Candidate topics from feedback no topic covers, most feedback first.
 * @example discoverTopicCandidates(uncovered, new Date())[0]?.terms // ['seat belt', 'buckle']
 */
export function discoverTopicCandidates(
  feedback: readonly UncoveredFeedback[],
  now: Date,
  options: TopicDiscoveryOptions = {},
): TopicCandidate[] {
  const { minDocuments, minOverlap, maxCandidates, weeks } = { ...DEFAULTS, ...options };
  const phrases = new Map<string, Phrase>();
  feedback.forEach((item, index) => {
    for (const [key, form] of phrasesOf(item.text)) {
      let phrase = phrases.get(key);
      if (phrase === undefined) {
        phrase = { key, forms: new Map(), documents: new Set() };
        phrases.set(key, phrase);
      }
      phrase.forms.set(form, (phrase.forms.get(form) ?? 0) + 1);
      phrase.documents.add(index);
    }
  });
  // Two-word phrases name a matter better than either word ("seat belt" over "seat"): rank them first at
  // equal support, and a single word almost always seen inside a chosen phrase adds nothing.
  const recurring = [...phrases.values()]
    // A phrase in much of the uncovered feedback ("flight" at an airline) is the business itself, not a matter;
    // a handful of texts cannot tell the two apart.
    .filter(
      (phrase) =>
        phrase.documents.size >= minDocuments &&
        (feedback.length < MIN_FEEDBACK_FOR_SHARE || phrase.documents.size <= feedback.length * MAX_SHARE),
    )
    .sort(
      (a, b) =>
        b.documents.size * b.key.split(' ').length - a.documents.size * a.key.split(' ').length ||
        (a.key < b.key ? -1 : 1),
    );
  const used = new Set<string>();
  const candidates: TopicCandidate[] = [];
  for (const lead of recurring) {
    if (candidates.length >= maxCandidates) break;
    if (used.has(lead.key)) continue;
    const group = [lead];
    used.add(lead.key);
    for (const other of recurring) {
      if (used.has(other.key) || group.length >= TERMS_PER_CANDIDATE) continue;
      let shared = 0;
      for (const document of other.documents) if (lead.documents.has(document)) shared++;
      if (shared / other.documents.size >= minOverlap) {
        used.add(other.key);
        // A word of the lead phrase ("seat" of "seat belt") is absorbed, not listed.
        if (!lead.key.split(' ').includes(other.key)) group.push(other);
      }
    }
    const documents = new Set(group.flatMap((phrase) => [...phrase.documents]));
    const weekly = new Array<number>(weeks).fill(0);
    for (const index of documents) {
      const age = Math.floor((now.getTime() - feedback[index]!.receivedAt.getTime()) / WEEK_MS);
      if (age >= 0 && age < weeks) weekly[weeks - 1 - age]!++;
    }
    const before = weekly.slice(0, -1);
    const baseline = before.reduce((sum, count) => sum + count, 0) / before.length;
    const terms = group.map((phrase) => commonest(phrase.forms));
    const newest = [...documents].sort(
      (a, b) => feedback[b]!.receivedAt.getTime() - feedback[a]!.receivedAt.getTime(),
    );
    candidates.push({
      id: candidateId(terms[0]!),
      label: terms[0]!.charAt(0).toUpperCase() + terms[0]!.slice(1),
      terms,
      volume: documents.size,
      weekly,
      trend: baseline > 0 ? Math.round((weekly.at(-1)! / baseline) * 100) / 100 : null,
      examples: newest
        .slice(0, EXAMPLES_PER_CANDIDATE)
        .map((index) => ({ feedbackId: feedback[index]!.id, text: feedback[index]!.text })),
    });
  }
  return candidates.sort((a, b) => b.volume - a.volume || (a.id < b.id ? -1 : 1));
}
