export { createAnalyzeProcessor } from './processor.js';
export { createReanalysisProcessor, type ReanalysisResult, startReanalysisWorker } from './reanalysis.js';
export { startAnalysisWorker } from './worker.js';
