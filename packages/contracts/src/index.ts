export * from './feedback.js';
export * from './jobs.js';
export * from './roles.js';
export * from './score-events.js';
export * from './sources.js';
export * from './storable-text.js';
export * from './vendors/index.js';
