/**
 * Remembers the answers of a per-word function of the lexicon. The sentiment rules ask about the same word several
 * times (as itself, as a negator's neighbour, as a closing laugh) and feedback reuses a small vocabulary. The memory
 * starts over when full, so a long-running worker's memory stays bounded.
 * @example const valenceOf = rememberAnswers((word: string) => expensiveLookUp(word), 50_000)
 */
export function rememberAnswers<T>(answer: (word: string) => T, maxWords: number): (word: string) => T {
  // Most words have no entry (the answer is undefined): a stored marker answers them in one look-up, not two.
  const answers = new Map<string, T | typeof NO_ANSWER>();
  return (word) => {
    const known = answers.get(word);
    if (known !== undefined) return (known === NO_ANSWER ? undefined : known) as T;
    if (answers.size >= maxWords) answers.clear();
    const found = answer(word);
    answers.set(word, found === undefined ? NO_ANSWER : found);
    return found;
  };
}

const NO_ANSWER: unique symbol = Symbol('no answer');
