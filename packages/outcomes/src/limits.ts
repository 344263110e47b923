import type { LoyaltyAnalysis } from './loyalty-analysis.js';

/**
 * What a reader of the loyalty & value figures must keep in mind, in plain words, for this analysis.
 * Shown beside the figures in the API and the dashboard.
 */
export function limitsOf(analysis: LoyaltyAnalysis): string[] {
  const limits = [
    'Predicted value assumes customers buy at their own steady rate until they stop for good, and that ' +
      'how much they spend does not depend on how often they buy (BG/NBD and Gamma-Gamma).',
    'Predictions are for customers as a group; one customer’s figure is a rough guide, not a forecast.',
    'Drivers of loyalty are associations between what customers said and what they did next, not proof ' +
      'that the topic caused it: customers who complain may differ in other ways.',
    'A customer counts as retained after an answer when they bought again later; their spend in the ' +
      'window is predicted by the models, because summaries do not keep spend per window.',
  ];
  if (!analysis.model.fitted) limits.push(`No predictive model yet: ${analysis.model.reason}.`);
  else if (!analysis.model.validated) {
    limits.push(
      'The purchase model does not match the observed repeat purchases closely enough (fit check): ' +
        'treat predicted values as indicative only.',
    );
  }
  if (!analysis.holdout) {
    limits.push('No hold-out check yet: it needs 200 buyers and at least eight weeks of purchases.');
  } else if (Math.abs(analysis.holdout.relativeError) > 0.1) {
    limits.push(
      `Fitted on purchases up to ${analysis.holdout.calibrationEnd}, the model missed the purchases after it by ` +
        `${Math.round(Math.abs(analysis.holdout.relativeError) * 100)} %: treat predictions as indicative only.`,
    );
  }
  if (analysis.contractRetention.length === 0) {
    limits.push('No contract renewals or cancellations were received, so no contract retention curve.');
  }
  return limits;
}
