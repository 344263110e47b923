// Throughput of the full analysis against vader-sentiment's polarity scoring, on the same texts in the same run.
// One process, one thread: docs per CPU second, i.e. on one core, whatever else the machine is doing. Prints the figures and writes bench/results.json.
import '../eval/quiet-dotenv.js';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
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

interface Contender {
  name: string;
  work: (text: string) => unknown;
  done: number;
  cpuSeconds: number;
}

/** `node --expose-gc` (the bench script) makes the collector callable; without it turns are charged as they fall. */
const collectGarbage = (globalThis as { gc?: () => void }).gc ?? (() => {});

/** Slices per contender: the contenders take turns, so a neighbour's burst on this shared machine hits all alike. */
const ROUNDS = 10;

/**
 * Runs each contender over the texts round-robin, in turns of SECONDS_PER_CONTENDER / ROUNDS CPU seconds, after a
 * warm-up pass; returns documents per CPU second, i.e. per second of one core. Taking turns rather than running
 * one contender after the other keeps the ratio from depending on which one ran while the machine was busiest
 * (ratios of unchanged code ranged from 1.45× to 3.36× when contenders ran one after the other).
 */
function documentsPerSecond(texts: readonly string[], contenders: Contender[]): void {
  for (const contender of contenders) for (const text of texts.slice(0, 2000)) contender.work(text);
  const slice = SECONDS_PER_CONTENDER / ROUNDS;
  for (let round = 0; round < ROUNDS; round++) {
    for (const contender of contenders) {
      const started = process.cpuUsage();
      let elapsed = 0;
      while (elapsed < slice) {
        for (let i = 0; i < 250; i++) contender.work(texts[(contender.done + i) % texts.length]!);
        contender.done += 250;
        elapsed = cpuSecondsSince(started);
      }
      // Each contender pays for its own garbage: collected at the end of its turn, inside its CPU time, rather
      // than by whichever contender happens to run when the collector starts.
      collectGarbage();
      contender.cpuSeconds += cpuSecondsSince(started);
    }
  }
}

function main(): void {
  const texts = benchmarkTexts();
  const meanLength = texts.reduce((sum, text) => sum + text.length, 0) / texts.length;
  console.log(
    `${texts.length} texts, mean ${meanLength.toFixed(0)} characters, ${SECONDS_PER_CONTENDER} s each in ${ROUNDS} turns, load average ${loadavg()
      .map((load) => load.toFixed(2))
      .join(' ')}`,
  );
  const contenders: Contender[] = [
    {
      name: 'cxloop analyseFeedback (full)',
      work: (text) => analyseFeedback({ text, nps: 5, priorContactCount: 1 }),
      done: 0,
      cpuSeconds: 0,
    },
    { name: 'cxloop sentimentScore', work: sentimentScore, done: 0, cpuSeconds: 0 },
    {
      name: 'vader-sentiment polarity_scores',
      work: (text) => vader.SentimentIntensityAnalyzer.polarity_scores(text),
      done: 0,
      cpuSeconds: 0,
    },
  ];
  documentsPerSecond(texts, contenders);
  const rows = contenders.map((contender) => ({
    contender: contender.name,
    docsPerSecond: contender.done / contender.cpuSeconds,
  }));
  const vaderRate = rows.at(-1)!.docsPerSecond;
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
        rounds: ROUNDS,
        loadAverage: loadavg(),
        results: rows.map((row) => ({ ...row, ratioToVader: row.docsPerSecond / vaderRate })),
      },
      null,
      2,
    )}\n`,
  );
  console.log(`wrote ${output}`);
}

main();
