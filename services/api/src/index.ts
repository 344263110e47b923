export { type AppDeps, buildApp } from './app.js';
export { issueApiKey } from './auth/api-keys.js';
export { ApiConfig } from './config.js';
export { type ImportReport, importFeedback } from './imports/feedback-import.js';
export { importOutcomes } from './imports/outcome-import.js';
export { MAILGUN_RETRY_WINDOW_SECONDS } from './ingest/adapters/mailgun.js';
export { leaseSize, type RateLimitDecision, RateLimits } from './rate-limit.js';
