import { describe, expect, it } from 'vitest';
import { rememberAnswers } from './remember.js';

describe('rememberAnswers', () => {
  it('answers each word once, including undefined answers, and starts over when full', () => {
    const asked: string[] = [];
    const lengthOfLongWords = rememberAnswers((word: string) => {
      asked.push(word);
      return word.length > 3 ? word.length : undefined;
    }, 2);
    expect(lengthOfLongWords('good')).toBe(4);
    expect(lengthOfLongWords('bad')).toBeUndefined();
    expect(lengthOfLongWords('good')).toBe(4);
    expect(lengthOfLongWords('bad')).toBeUndefined();
    expect(asked).toEqual(['good', 'bad']);
    // A third word fills the memory: it starts over, so "good" is asked again.
    expect(lengthOfLongWords('great')).toBe(5);
    expect(lengthOfLongWords('good')).toBe(4);
    expect(asked).toEqual(['good', 'bad', 'great', 'good']);
  });
});
