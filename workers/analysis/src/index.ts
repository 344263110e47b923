export { createAnalyzeProcessor } from './processor.js';
export { startAnalysisWorker } from './worker.js';
