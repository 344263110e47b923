/**
 * The flag codes packages/text raises on feedback that needs the response team: one list for the analyser,
 * the triage settings (which flags open cases), the evaluation and the pages. Zod-free, so the dashboard can
 * import it (`@cxloop/contracts/flags`).
 */
export const flagCodes = [
  'churn_threat',
  'legal_threat',
  'safety',
  'abuse_harassment',
  'repeated_contact',
  'very_negative',
  'nps_detractor_complaint',
] as const;
export type FlagCode = (typeof flagCodes)[number];
