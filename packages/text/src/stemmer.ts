import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface Stemmer {
  stem(word: string): string;
}

// natural's Porter stemmer module on its own: natural's index would also load storage back-ends and dotenv.
const porter = require('natural/lib/natural/stemmers/porter_stemmer.js') as Stemmer;

/** Porter stem of a lower-case word ("deliveries" → "deliveri", "parking" → "park"). */
export function stem(word: string): string {
  return porter.stem(word);
}
