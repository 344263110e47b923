/**
 * Customer effort: what the customer had to do to get their problem handled (contact again, be transferred,
 * wait, explain again, chase). High effort predicts disloyalty better than dissatisfaction does (Dixon et al.,
 * "Stop Trying to Delight Your Customers", HBR 2010), so it is measured on its own.
 */
import { type Evidence, findEvidence, type PatternRule } from './evidence.js';

export type EffortSignalCode =
  | 'repeated_contact'
  | 'transferred'
  | 'long_wait'
  | 'repeated_explanation'
  | 'had_to_chase'
  | 'channel_switching'
  | 'self_service_failure'
  | 'low_effort';

export interface EffortSignal {
  code: EffortSignalCode;
  evidence: Evidence;
}

export interface EffortAssessment {
  /** 0 (effortless) … 1 (exhausting). */
  score: number;
  signals: EffortSignal[];
}

const COUNT = String.raw`(?:\d+|two|three|four|five|six|seven|eight|nine|ten|several|many|multiple|numerous|countless|a few|a dozen|dozens of|so many)`;
const CONTACT_VERB =
  '(?:call(?:ed)?|phon(?:ed|e)|r[ai]ng|email(?:ed)?|e-mailed|wr[io]te|written|messag(?:ed|e)|chatted|contact(?:ed)?|tried|chased|visited|been in|gone in|went in)';
const DURATION = String.raw`(?:\d+|an?|one|two|three|four|five|six|several|many|multiple|few|couple of|over an?|more than an?|nearly an?|almost an?)\s*(?:\+\s*)?(?:hours?|hrs?|days?|weeks?|months?)`;

/** Each signal's share of a full-effort score; a repeated contact alone is already a lot of effort. */
const SIGNAL_WEIGHT: Readonly<Record<EffortSignalCode, number>> = {
  repeated_contact: 0.45,
  transferred: 0.35,
  long_wait: 0.3,
  repeated_explanation: 0.35,
  had_to_chase: 0.3,
  channel_switching: 0.25,
  self_service_failure: 0.25,
  low_effort: -0.4,
};

const RULES: readonly PatternRule<EffortSignalCode>[] = [
  {
    code: 'repeated_contact',
    pattern: new RegExp(
      String.raw`\b(?:${CONTACT_VERB}\s+(?:to\s+)?(?:you\s+|them\s+|us\s+|the\s+\w+\s+)?(?:about\s+this\s+|back\s+)?${COUNT}\s+times|(?:(?:${COUNT}|third|fourth|fifth|sixth|3rd|4th|5th|\d+th)\s+(?:time|call|email)s?\s+(?:i'?ve|i\s+have|we'?ve|i|we)\s+(?:had\s+to\s+)?(?:call|phon|r[ai]ng|email|contact|writ|wr[io]t|chas|complain|been)\w*)|(?:for\s+the\s+(?:third|fourth|fifth|\d+(?:rd|th))\s+time)|(?:again\s+and\s+again|over\s+and\s+over(?:\s+again)?)|(?:keep|kept)\s+(?:on\s+)?(?:calling|phoning|ringing|emailing|chasing|contacting|having\s+to\s+call)|(?:called|contacted|emailed|rang)\s+(?:you\s+|them\s+)?(?:again|twice|repeatedly))\b`,
      'gi',
    ),
  },
  {
    code: 'transferred',
    pattern:
      /\b(?:transferr?ed|(?:passed|bounced|pushed|shunted)\s+(?:around|between|from\s+\w+\s+to|back\s+and\s+forth)|put\s+through\s+to\s+(?:another|the\s+wrong|a\s+different)|(?:another|different|wrong)\s+department|department\s+to\s+department)\b/gi,
  },
  {
    code: 'long_wait',
    pattern: new RegExp(
      String.raw`\b(?:on\s+hold(?:\s+for\s+${DURATION})?|(?:wait(?:ed|ing)?|queued?|queuing|sat|stuck)\s+(?:on\s+the\s+phone\s+|in\s+(?:a|the)\s+queue\s+|around\s+)?(?:for\s+)?(?:over\s+|more\s+than\s+|almost\s+|nearly\s+)?${DURATION}|took\s+(?:${DURATION}|ages|forever|weeks|days|months)|for\s+ages|still\s+waiting)\b`,
      'gi',
    ),
  },
  {
    code: 'repeated_explanation',
    pattern:
      /\b(?:(?:explain|repeat|re-explain|tell|told|give|gave)(?:ed)?\s+(?:my|the|our)\s+(?:whole\s+)?(?:problem|issue|story|situation|details|case|complaint)\s+(?:again|twice|over\s+again|\d+\s+times|to\s+(?:each|every|another)|all\s+over)|(?:had|have)\s+to\s+(?:explain|repeat)\s+(?:it|everything|myself)(?:\s+(?:again|all\s+over))?|start(?:ed)?\s+(?:again\s+)?from\s+scratch|from\s+the\s+beginning\s+again)\b/gi,
  },
  {
    code: 'had_to_chase',
    pattern:
      /\b(?:(?:had|have|having)\s+to\s+(?:chase|follow\s+up|keep\s+asking|go\s+(?:in|back)\s+to|visit\s+the\s+(?:branch|store|shop)|call\s+back|call\s+again|ring\s+again|remind)|chasing\s+(?:this|them|you|it|up)|(?:no\s+one|nobody)\s+(?:ever\s+)?(?:called|rang|got)\s+(?:me\s+)?back)\b/gi,
  },
  {
    code: 'channel_switching',
    pattern:
      /\b(?:(?:called|phoned|rang|emailed|messaged|tweeted|wrote|chatted)\s+(?:you\s+)?(?:and|then|,)\s+(?:then\s+)?(?:called|phoned|rang|emailed|messaged|tweeted|wrote|chatted|went\s+in(?:to)?)|(?:tried|used)\s+(?:the\s+)?(?:chat|app|website|phone\s+line|email)\s+(?:and|then)\s+(?:the\s+)?(?:chat|app|website|phone|email|branch))\b/gi,
  },
  {
    code: 'self_service_failure',
    pattern:
      /\b(?:(?:app|website|site|portal|online\s+form|form|chatbot|bot|automated\s+system)\s+(?:wouldn't|would\s+not|won't|will\s+not|didn't|did\s+not|doesn't|does\s+not|kept\s+failing\s+to|failed\s+to)\s+(?:let\s+me|work|accept|load|recogni[sz]e)|(?:couldn't|could\s+not|can't|cannot)\s+find\s+(?:a\s+way|how|where|the\s+option|anywhere|any\s+way))\b/gi,
  },
  {
    code: 'low_effort',
    pattern:
      /\b(?:quick\s+and\s+easy|easy\s+(?:to\s+(?:use|sort|fix|arrange|book|return|change)|process)|effortless|hassle[-\s]free|no\s+hassle|(?:sorted|resolved|fixed|handled|dealt\s+with)\s+(?:it\s+)?(?:out\s+)?(?:straight\s+away|immediately|right\s+away|in\s+minutes|within\s+minutes|on\s+the\s+first\s+call|first\s+time|quickly)|first\s+call\s+resolution|in\s+no\s+time)\b/gi,
  },
];

/** CES 2.0 asks agreement with "the company made it easy to handle my issue" on 1…7; 7 means least effort. */
const CES_SCALE_MAX = 7;

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value));
}

/**
 * Effort from what the customer wrote, the number of earlier contacts the caller knows of, and a CES answer.
 * The higher of the text-based and the CES-based effort wins: either is enough to know it was hard.
 * @example assessEffort('Transferred three times and on hold for an hour', 0, null).score > 0.5
 */
export function assessEffort(
  text: string,
  priorContactCount: number,
  ces: number | null | undefined,
): EffortAssessment {
  const signals: EffortSignal[] = [];
  for (const rule of RULES) {
    for (const evidence of findEvidence(text, rule.pattern)) signals.push({ code: rule.code, evidence });
  }
  signals.sort((a, b) => a.evidence.start - b.evidence.start);
  const codes = new Set(signals.map((signal) => signal.code));
  let textEffort = 0;
  for (const code of codes) textEffort += SIGNAL_WEIGHT[code];
  if (priorContactCount >= 2 && !codes.has('repeated_contact')) textEffort += SIGNAL_WEIGHT.repeated_contact;
  const cesEffort =
    ces === null || ces === undefined
      ? 0
      : clamp01((CES_SCALE_MAX - Math.min(CES_SCALE_MAX, Math.max(1, ces))) / (CES_SCALE_MAX - 1));
  return { score: Math.round(Math.max(clamp01(textEffort), cesEffort) * 1000) / 1000, signals };
}
