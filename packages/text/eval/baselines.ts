// The two reference analysers the issue asks us to beat, scored on the same [-1, 1] protocol.
import { createRequire } from 'node:module';
import vader from 'vader-sentiment';

const require = createRequire(import.meta.url);

interface AfinnAnalyser {
  getSentiment(words: string[]): number;
}
interface AfinnModule {
  SentimentAnalyzer: new (language: string, stemmer: unknown, vocabulary: string) => AfinnAnalyser;
  PorterStemmer: unknown;
  WordTokenizer: new () => { tokenize(text: string): string[] };
}

/** VADER's compound score, already in [-1, 1]. */
export function vaderScore(text: string): number {
  return vader.SentimentIntensityAnalyzer.polarity_scores(text).compound;
}

/**
 * natural's SentimentAnalyzer('English', PorterStemmer, 'afinn') as its README ships it. Its score is the mean
 * AFINN value per token (-5..5), so divide by 5 to land on [-1, 1]; Pearson r does not care, the ±0.05 classes do.
 */
export function makeAfinnScorer(): (text: string) => number {
  const natural = require('natural') as AfinnModule;
  const analyser = new natural.SentimentAnalyzer('English', natural.PorterStemmer, 'afinn');
  const tokenizer = new natural.WordTokenizer();
  return (text) => {
    const words = tokenizer.tokenize(text);
    return words.length === 0 ? 0 : Math.max(-1, Math.min(1, analyser.getSentiment(words) / 5));
  };
}
