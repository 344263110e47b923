/**
 * Flags that send feedback to the response team, each with a reason code, a reason a person can read and the
 * words that raised it; and the severity and urgency derived from them.
 */
import type { FlagCode } from '@cxloop/contracts/flags';
import type { EffortAssessment } from './effort.js';
import { type Evidence, findEvidence, type PatternRule } from './evidence.js';

export type { FlagCode };

export type Severity = 'none' | 'low' | 'medium' | 'high' | 'critical';

export interface Flag {
  code: FlagCode;
  reason: string;
  /** Absent when the flag comes from the survey answers or contact history rather than from words. */
  evidence?: Evidence;
}

/** Flags found in the words themselves; repeated contact comes from the effort signals and contact history. */
const TEXT_RULES: readonly PatternRule<FlagCode>[] = [
  {
    code: 'churn_threat',
    pattern:
      /\b(?:(?:cancel(?:l?ing)?|close|closing|terminate|terminating|end|ending|leave|leaving|quit|quitting)\s+(?:my|our|the)\s+(?:account|subscription|contract|membership|plan|policy|service|broadband|mortgage|card)|(?:switch|switching|switched|move|moving|go|going|change|changing)\s+(?:over\s+)?(?:to\s+)?(?:another|a\s+different|a\s+new|a\s+competitor|your\s+competitors?|competitors?|elsewhere|someone\s+else)(?:\s+(?:provider|supplier|bank|company|network|carrier|airline|insurer|service))?|(?:switching|changing|moving)\s+(?:provider|supplier|bank|network|carrier|insurer)s?|(?:take|taking)\s+(?:my|our)\s+(?:business|custom|money)\s+elsewhere|(?:never|won't|will\s+not)\s+(?:be\s+)?(?:use|using|fly|flying|shop|shopping|order|ordering|buy|buying|book|booking|stay|staying|coming\s+back|back|returning|recommend)(?:\s+(?:with|from|at))?\s+(?:you|again|here|this\s+company|them)|last\s+time\s+(?:i|we)\s+(?:use|fly|shop|order|buy|book|stay)|looking\s+for\s+(?:a\s+)?(?:new|another|different)\s+(?:provider|supplier|bank|company|network|insurer)|port(?:ing)?\s+my\s+number|lost\s+(?:a|my|our)\s+(?:loyal\s+)?customer|you(?:'ve|\s+have)\s+lost\s+(?:me|us|a\s+customer|my\s+business))\b/gi,
  },
  {
    code: 'legal_threat',
    pattern:
      /\b(?:(?:contact|call|speak|talk|consult|instruct|hear|pass|passing|forward|involve|get|getting|engag|refer)\w*\s+(?:this\s+)?(?:on\s+)?(?:to\s+|with\s+|from\s+)?(?:my|our|a)\s+(?:lawyers?|solicitors?|attorneys?)|(?:my|our)\s+(?:lawyers?|solicitors?|attorneys?)\s+(?:will|is|are|has|have)|legal\s+(?:action|advice|proceedings|team)|sue|suing|lawsuit|(?:take|taking|took)\s+(?:you|them|this|it|the\s+matter)\s+to\s+court|see\s+you\s+in\s+court|court\s+action|small\s+claims|class\s+action|ombudsman|trading\s+standards|consumer\s+(?:protection|rights\s+act)|report\s+(?:you|this|them)\s+to\s+(?:the\s+)?(?:regulator|fca|ofcom|ofgem|ftc|cfpb|bbb|police|authorities)|regulator|breach\s+of\s+contract|gdpr\s+(?:complaint|breach))\b/gi,
  },
  {
    code: 'safety',
    pattern:
      /\b(?:unsafe|dangerous|danger|hazard(?:ous)?|caught\s+fire|on\s+fire|burst\s+into\s+flames|fire\s+hazard|smoke\s+(?:coming|came|pouring)|sparks?|sparking|electric(?:al)?\s+shock|electrocuted|exploded|explosion|overheat(?:ed|ing)|burn(?:ed|t|s)?\s+(?:my|his|her|their|our)|injur(?:y|ies|ed)|hurt\s+(?:my|his|her|their|our)\s+(?:back|leg|arm|hand|head|child|son|daughter|wife|husband)|food\s+poisoning|allergic\s+reaction|anaphyla\w+|choking|gas\s+leak|carbon\s+monoxide|(?:went|taken|rushed|ended\s+up)\s+(?:to|in)\s+(?:hospital|a&e|the\s+er|the\s+emergency)|ambulance|bleeding|(?:slipped|tripped|fell)\s+(?:on|over|down)|broken\s+glass\s+in|glass\s+in\s+(?:my|the)\s+food|mould\s+in\s+(?:the\s+)?food|drunk\s+(?:driver|pilot)|driving\s+(?:dangerously|recklessly)|(?:kill|hurt|harm)\s+(?:you|yourself|myself|someone))\b/gi,
  },
  {
    code: 'abuse_harassment',
    pattern:
      /\b(?:harass(?:ed|ing|ment)?|sexual(?:ly)?\s+(?:harass\w*|comments?|remarks?|inappropriate)|verbal(?:ly)?\s+abus\w*|abusive|assault(?:ed)?|racist|racism|sexist|homophobic|discriminat\w+|threaten(?:ed|ing)?\s+(?:me|us|my)|(?:shouted|yelled|screamed|swore|swearing|cursed)\s+at\s+(?:me|us|my)|(?:grabbed|pushed|shoved|hit)\s+me|insult(?:ed|ing)\s+(?:me|us)|called\s+me\s+(?:an?\s+)?(?:idiot|stupid|liar)|f+u+c+k+\s+(?:you|off)|you\s+(?:stupid|useless|fucking|pathetic)\s+(?:idiots?|morons?|people|bastards?|cunts?)|(?:idiots|morons|scumbags|bastards)\b)\b/gi,
  },
];

const REASONS: Readonly<Record<FlagCode, string>> = {
  churn_threat: 'Customer says they will leave or move to a competitor',
  legal_threat: 'Customer mentions legal action, a regulator or an ombudsman',
  safety: 'Feedback describes a risk to health or safety',
  abuse_harassment: 'Feedback reports abuse, harassment or discrimination, or is abusive',
  repeated_contact: 'Customer has had to contact us several times about this',
  very_negative: 'Feedback is very negative',
  nps_detractor_complaint: 'NPS detractor with a complaint in their words',
};

/** What each flag is called on screen, and what a person may type to filter by it. */
export const FLAG_LABELS: Readonly<Record<FlagCode, string>> = {
  churn_threat: 'Churn threat',
  legal_threat: 'Legal threat',
  safety: 'Safety',
  abuse_harassment: 'Abuse or harassment',
  repeated_contact: 'Repeated contact',
  very_negative: 'Very negative',
  nps_detractor_complaint: 'Detractor complaint',
};

const FLAG_SEVERITY: Readonly<Record<FlagCode, Severity>> = {
  safety: 'critical',
  legal_threat: 'high',
  abuse_harassment: 'high',
  churn_threat: 'high',
  repeated_contact: 'medium',
  very_negative: 'medium',
  nps_detractor_complaint: 'low',
};

const SEVERITY_ORDER: readonly Severity[] = ['none', 'low', 'medium', 'high', 'critical'];
/** Where urgency starts for each severity, before the degree of negativity and the number of flags add to it. */
const SEVERITY_URGENCY: Readonly<Record<Severity, number>> = {
  none: 0,
  low: 0.3,
  medium: 0.5,
  high: 0.7,
  critical: 0.9,
};

/** Scores at or below this are "very negative"; one strong complaint word with emphasis lands there. */
export const VERY_NEGATIVE_SCORE = -0.8;
/** NPS 0–6 are detractors (Reichheld's definition). */
const NPS_DETRACTOR_MAX = 6;
const REPEATED_CONTACT_MIN_PRIOR = 2;

export interface FlagContext {
  text: string;
  /** Null when the text's language is not analysed. */
  sentimentScore: number | null;
  nps: number | null | undefined;
  priorContactCount: number;
  effort: EffortAssessment;
  hasNegativeTopic: boolean;
}

export interface FlagAssessment {
  flags: Flag[];
  severity: Severity;
  urgency: number;
}

function firstEvidence(text: string, pattern: RegExp): Evidence | undefined {
  return findEvidence(text, pattern)[0];
}

/**
 * Raises flags from the words, the survey answers and the contact history.
 * @example raiseFlags({ text: 'I will be contacting my lawyer', ... }).flags[0].code === 'legal_threat'
 */
export function raiseFlags(context: FlagContext): FlagAssessment {
  const flags: Flag[] = [];
  for (const rule of TEXT_RULES) {
    const evidence = firstEvidence(context.text, rule.pattern);
    if (evidence !== undefined) flags.push({ code: rule.code, reason: REASONS[rule.code], evidence });
  }
  const repeatedContact = context.effort.signals.find((signal) => signal.code === 'repeated_contact');
  if (repeatedContact !== undefined) {
    flags.push({
      code: 'repeated_contact',
      reason: REASONS.repeated_contact,
      evidence: repeatedContact.evidence,
    });
  } else if (context.priorContactCount >= REPEATED_CONTACT_MIN_PRIOR) {
    flags.push({
      code: 'repeated_contact',
      reason: `${REASONS.repeated_contact} (${context.priorContactCount} earlier contacts)`,
    });
  }
  const score = context.sentimentScore;
  if (score !== null && score <= VERY_NEGATIVE_SCORE) {
    flags.push({ code: 'very_negative', reason: REASONS.very_negative });
  }
  const complains = (score !== null && score < 0) || context.hasNegativeTopic;
  if (context.nps !== null && context.nps !== undefined && context.nps <= NPS_DETRACTOR_MAX && complains) {
    flags.push({
      code: 'nps_detractor_complaint',
      reason: `${REASONS.nps_detractor_complaint} (NPS ${context.nps})`,
    });
  }
  return { flags, ...severityAndUrgency(flags, score) };
}

function severityAndUrgency(
  flags: readonly Flag[],
  score: number | null,
): { severity: Severity; urgency: number } {
  let level = 0;
  for (const flag of flags) level = Math.max(level, SEVERITY_ORDER.indexOf(FLAG_SEVERITY[flag.code]));
  // Three or more independent reasons make a case one step more severe than its worst reason alone.
  if (flags.length >= 3) level = Math.min(level + 1, SEVERITY_ORDER.length - 1);
  const severity = SEVERITY_ORDER[level]!;
  if (severity === 'none') return { severity, urgency: 0 };
  const negativity = score === null ? 0 : Math.max(0, -score);
  const urgency = SEVERITY_URGENCY[severity] + 0.1 * negativity + 0.03 * (flags.length - 1);
  return { severity, urgency: Math.round(Math.min(1, urgency) * 1000) / 1000 };
}
