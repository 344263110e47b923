// Throughput of the full analysis against vader-sentiment's polarity scoring, on the same texts in the same run.
// One process, one thread: docs per CPU second, i.e. on one core, whatever else the machine is doing. Prints the figures and writes bench/results.json.
import '../eval/quiet-dotenv.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import vader from 'vader-sentiment';
import { loadAllCorpora } from '../eval/corpora.js';
import { loadLabelledFeedback } from '../eval/labelled-feedback.js';
import { ANALYSER_VERSION, analyseFeedback, sentimentScore } from '../src/index.js';

const SECONDS_PER_CONTENDER = Number(process.env.BENCH_SECONDS ?? 3);

function benchmarkTexts(): string[] {
  const feedback = loadLabelledFeedback().map((row) => row.text);
  try {
    return [...feedback, ...loadAllCorpora().flatMap((corpus) => corpus.rows.map((row) => row.text))];
  } catch {
    // Without the shared corpora the labelled feedback alone still gives a fair comparison.
    return feedback;
  }
}

/** CPU seconds this process has used since `start`: on a shared machine wall time measures the neighbours too. */
function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

/**
 * Runs `work` over the texts round-robin for a fixed CPU-time budget after a warm-up pass; returns documents per
 * CPU second, i.e. per second of one core.
 */
function documentsPerSecond(texts: readonly string[], work: (text: string) => unknown): number {
  for (const text of texts.slice(0, 2000)) work(text);
  const started = process.cpuUsage();
  let done = 0;
  let elapsed = 0;
  while (elapsed < SECONDS_PER_CONTENDER) {
    for (let i = 0; i < 500; i++) work(texts[(done + i) % texts.length]!);
    done += 500;
    elapsed = cpuSecondsSince(started);
  }
  return done / elapsed;
}

function main(): void {
  const texts = benchmarkTexts();
  const meanLength = texts.reduce((sum, text) => sum + text.length, 0) / texts.length;
  console.log(
    `${texts.length} texts, mean ${meanLength.toFixed(0)} characters, ${SECONDS_PER_CONTENDER} s each`,
  );
  const vaderRate = documentsPerSecond(texts, (text) =>
    vader.SentimentIntensityAnalyzer.polarity_scores(text),
  );
  const fullRate = documentsPerSecond(texts, (text) =>
    analyseFeedback({ text, nps: 5, priorContactCount: 1 }),
  );
  const sentimentRate = documentsPerSecond(texts, sentimentScore);
  const rows = [
    { contender: 'cxloop analyseFeedback (full)', docsPerSecond: fullRate },
    { contender: 'cxloop sentimentScore', docsPerSecond: sentimentRate },
    { contender: 'vader-sentiment polarity_scores', docsPerSecond: vaderRate },
  ];
  for (const row of rows) {
    console.log(
      `${row.contender.padEnd(34)} ${row.docsPerSecond.toFixed(0).padStart(8)} docs/s  ${(row.docsPerSecond / vaderRate).toFixed(2)}× vader`,
    );
  }
  const output = join(import.meta.dirname, 'results.json');
  writeFileSync(
    output,
    `${JSON.stringify(
      {
        analyserVersion: ANALYSER_VERSION,
        texts: texts.length,
        secondsPerContender: SECONDS_PER_CONTENDER,
        results: rows.map((row) => ({ ...row, ratioToVader: row.docsPerSecond / vaderRate })),
      },
      null,
      2,
    )}\n`,
  );
  console.log(`wrote ${output}`);
}

main();
