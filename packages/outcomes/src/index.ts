export type { AdvocacyObservation, AdvocacyResult, NpsGroup, WindowOutcome } from './advocacy.js';
export { advocacyRetention, npsGroupOf } from './advocacy.js';
export type { BgNbdFit, BgNbdParameterName, BgNbdParameters } from './bg-nbd.js';
export {
  bgNbdEstimates,
  bgNbdLogLikelihood,
  conditionalExpectedPurchases,
  expectedPurchases,
  fitBgNbd,
  probabilityAlive,
  probabilityOfPurchases,
} from './bg-nbd.js';
export type {
  GammaGammaFit,
  GammaGammaParameterName,
  GammaGammaParameters,
  SpendHistory,
} from './gamma-gamma.js';
export {
  conditionalExpectedSpend,
  fitGammaGamma,
  gammaGammaEstimates,
  gammaGammaLogLikelihood,
} from './gamma-gamma.js';
export type { HoldoutBuyer, HoldoutCheck } from './holdout.js';
export { holdoutBuyerOf, holdoutCheck, holdoutPeriodFor } from './holdout.js';
export type { Interval } from './intervals.js';
export { meanInterval, proportionInterval } from './intervals.js';
export type { LifetimeValueOptions } from './lifetime-value.js';
export { predictedLifetimeValue } from './lifetime-value.js';
export { limitsOf } from './limits.js';
export type { CustomerRecord, FeedbackRecord, LoyaltyAnalysis } from './loyalty-analysis.js';
export { analyseLoyalty } from './loyalty-analysis.js';
export type { CustomerOutcome, LoyaltyDriver, LoyaltyDriverOptions } from './loyalty-drivers.js';
export { benjaminiHochberg, loyaltyDrivers } from './loyalty-drivers.js';
export type { MaximumLikelihoodFit, ParameterEstimate } from './maximum-likelihood.js';
export type { PurchaseHistory } from './purchase-history.js';
export type { CohortRetention, ContractSpell, RetentionSummary, SurvivalPoint } from './retention.js';
export { cohortRetention, contractRetentionCurve, repeatPurchaseRate } from './retention.js';
export type { SimulatedCustomer, SimulationPlan } from './simulation.js';
export { Sfc32, simulateCustomers } from './simulation.js';
export type { Buyer, FitCheckRow, ValueModel, ValueModelOutcome } from './value-model.js';
export { fitCheckTolerance, fitValueModel, MINIMUM_BUYERS, MINIMUM_REPEAT_BUYERS } from './value-model.js';
