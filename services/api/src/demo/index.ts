/** The demo's seeding and live trickle, for `pnpm demo` (main.ts) and the test that runs them. */
export { DemoHttp } from './http.js';
export { DEMO_ORGANISATION_NAME } from './organisation.js';
export { type PurchasePlan, purchasePlan } from './purchase-plan.js';
export { SeededRandom } from './random.js';
export { demoSourcesOf, runTrickle, type SeedOptions, type SeedSummary, seedDemo } from './seed.js';
