// Evaluation harness: sentiment against the human-rated corpora (ours vs vader-sentiment vs natural's AFINN, same
// run, same protocol) and topics/flags against our labelled customer-feedback sentences. Prints tables, writes JSON.
import './quiet-dotenv.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { flagCodes } from '@cxloop/contracts/flags';
import { ANALYSER_VERSION, analyseFeedback, DEFAULT_TOPICS, sentimentScore } from '../src/index.js';
import { makeAfinnScorer, vaderScore } from './baselines.js';
import { loadAllCorpora, sentimentDataDir } from './corpora.js';
import { HELD_OUT_FIXTURE, loadLabelledFeedback, TUNING_FIXTURE } from './labelled-feedback.js';
import { evaluateLanguage, printLanguage } from './language-check.js';
import { type SentimentMetrics, scoreLabelCounts, sentimentMetrics } from './metrics.js';
import { evaluatePii, PII_FIXTURE, PII_HELD_OUT_FIXTURE, printPii } from './pii-check.js';
import { printTopicCheck, runTopicCheck } from './topic-check.js';

type Analyser = { name: string; score: (text: string) => number };

function evaluateSentiment(analysers: readonly Analyser[]) {
  const results: { corpus: string; n: number; byAnalyser: Record<string, SentimentMetrics> }[] = [];
  for (const corpus of loadAllCorpora()) {
    const gold = corpus.rows.map((row) => row.gold);
    const byAnalyser: Record<string, SentimentMetrics> = {};
    for (const analyser of analysers) {
      byAnalyser[analyser.name] = sentimentMetrics(
        corpus.rows.map((row) => analyser.score(row.text)),
        gold,
      );
    }
    results.push({ corpus: corpus.name, n: corpus.rows.length, byAnalyser });
  }
  return results;
}

function evaluateLabels(fixture: string) {
  const rows = loadLabelledFeedback(fixture);
  const labelNames = [...DEFAULT_TOPICS.map((topic) => topic.id), ...flagCodes];
  const counts = new Map(labelNames.map((label) => [label, { tp: 0, predicted: 0, actual: 0 }]));
  const mistakes: { text: string; missed: string[]; spurious: string[] }[] = [];
  for (const row of rows) {
    const analysis = analyseFeedback({ text: row.text, nps: row.nps });
    const predicted = new Set([...analysis.topics.map((t) => t.id), ...analysis.flags.map((f) => f.code)]);
    const actual = new Set([...row.topics, ...row.flags]);
    for (const label of labelNames) {
      const count = counts.get(label)!;
      if (predicted.has(label)) count.predicted++;
      if (actual.has(label)) count.actual++;
      if (predicted.has(label) && actual.has(label)) count.tp++;
    }
    const missed = [...actual].filter((label) => !predicted.has(label));
    const spurious = [...predicted].filter((label) => !actual.has(label));
    if (missed.length > 0 || spurious.length > 0) mistakes.push({ text: row.text, missed, spurious });
  }
  const { perLabel, micro } = scoreLabelCounts(counts);
  return { sentences: rows.length, perLabel, micro, mistakes };
}

const fixed = (value: number) => value.toFixed(3);

function printLabels(title: string, labels: ReturnType<typeof evaluateLabels>): void {
  console.log(`\nTopics and flags, ${title}`);
  console.log('label                     precision  recall     f1  support');
  for (const [label, scores] of Object.entries(labels.perLabel)) {
    console.log(
      `${label.padEnd(25)} ${fixed(scores.precision).padStart(9)} ${fixed(scores.recall).padStart(7)} ${fixed(scores.f1).padStart(6)} ${String(scores.support).padStart(8)}`,
    );
  }
  console.log(
    `${'micro average'.padEnd(25)} ${fixed(labels.micro.precision).padStart(9)} ${fixed(labels.micro.recall).padStart(7)} ${fixed(labels.micro.f1).padStart(6)} ${String(labels.micro.support).padStart(8)}`,
  );
  if (process.argv.includes('--mistakes')) {
    for (const mistake of labels.mistakes) {
      console.log(
        `missed=[${mistake.missed.join(',')}] spurious=[${mistake.spurious.join(',')}] ${mistake.text}`,
      );
    }
  }
}

function main(): void {
  const analysers: Analyser[] = [
    { name: 'cxloop', score: sentimentScore },
    { name: 'vader-sentiment', score: vaderScore },
    { name: 'natural-afinn', score: makeAfinnScorer() },
  ];
  console.log(`Sentiment (${sentimentDataDir()}), analyser ${ANALYSER_VERSION}`);
  const sentiment = evaluateSentiment(analysers);
  console.log('corpus   n      analyser          pearson_r  accuracy  macro_f1');
  for (const result of sentiment) {
    for (const [name, metrics] of Object.entries(result.byAnalyser)) {
      console.log(
        `${result.corpus.padEnd(8)} ${String(result.n).padEnd(6)} ${name.padEnd(17)} ${fixed(metrics.pearsonR).padStart(9)} ${fixed(metrics.accuracy).padStart(9)} ${fixed(metrics.macroF1).padStart(9)}`,
      );
    }
  }
  const tuning = evaluateLabels(TUNING_FIXTURE);
  const heldOut = evaluateLabels(HELD_OUT_FIXTURE);
  printLabels(`tuning set (in-sample: the rules were refined on it), ${tuning.sentences} sentences`, tuning);
  printLabels(`held-out set (never used to change the rules), ${heldOut.sentences} sentences`, heldOut);
  const withMistakes = process.argv.includes('--mistakes');
  const pii = evaluatePii(PII_FIXTURE);
  const piiHeldOut = evaluatePii(PII_HELD_OUT_FIXTURE);
  printPii('tuning set (in-sample: the rules were refined on it)', pii, withMistakes);
  printPii('held-out set (never used to change the rules)', piiHeldOut, withMistakes);
  const language = evaluateLanguage(loadAllCorpora());
  printLanguage(language, withMistakes);
  const organisationTopics = runTopicCheck();
  printTopicCheck(organisationTopics);
  const output = join(import.meta.dirname, 'results.json');
  writeFileSync(
    output,
    `${JSON.stringify(
      {
        analyserVersion: ANALYSER_VERSION,
        sentiment,
        labels: { ...tuning, mistakes: tuning.mistakes.length },
        heldOutLabels: { ...heldOut, mistakes: heldOut.mistakes.length },
        pii: { ...pii, mistakes: pii.mistakes.length },
        piiHeldOut: { ...piiHeldOut, mistakes: piiHeldOut.mistakes.length },
        organisationTopics,
        language: {
          corpusMisreads: language.corpusMisreads.map(({ corpus, texts, misread }) => ({
            corpus,
            texts,
            misread: misread.length,
          })),
          labelled: { ...language.labelled, mistakes: language.labelled.mistakes.length },
        },
      },
      null,
      2,
    )}\n`,
  );
  console.log(`\nwrote ${output}`);
}

main();
