export * from './delighted.js';
export * from './hubspot.js';
export * from './intercom.js';
export * from './mailgun.js';
export * from './surveymonkey.js';
export * from './twilio.js';
export * from './typeform.js';
export * from './zendesk.js';
