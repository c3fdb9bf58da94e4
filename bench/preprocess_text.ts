/**
 * `TextVectorization.adapt` over 25,000 short documents (8 to 30 words from
 * a Zipf-like vocabulary of 20,000 words, with capitals and punctuation),
 * from a `string[]` and from a `Dataset` of batches of 256; then the same
 * documents vectorized (`"int"`, 80 tokens) and with bigrams. Prints
 * seconds per run (best of 3) and the vocabulary size.
 *
 * Run: `deno run -A bench/preprocess_text.ts`
 *
 * @module
 */
import { Dataset, layers, tf } from "../mod.ts";

const DOCUMENTS = 25_000;
const WORDS = 20_000;

/** Deterministic documents: word ranks drawn Zipf-like, some capitalized, some with punctuation. */
export function makeDocuments(count = DOCUMENTS): string[] {
  let s = 7;
  const next = () => (s = (s * 16807) % 2147483647) / 2147483647;
  const words = Array.from({ length: WORDS }, (_, i) => `w${i.toString(36)}`);
  const docs: string[] = [];
  for (let d = 0; d < count; d++) {
    const n = 8 + Math.floor(next() * 23);
    const parts: string[] = [];
    for (let k = 0; k < n; k++) {
      const rank = Math.floor(Math.exp(next() * Math.log(WORDS))) - 1; // log-uniform ranks
      let w = words[rank];
      if (next() < 0.1) w = w.toUpperCase();
      if (next() < 0.08) w += next() < 0.5 ? "," : ".";
      parts.push(w);
    }
    docs.push(parts.join(" "));
  }
  return docs;
}

function best(fn: () => void, runs = 3): number {
  let t = Infinity;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    fn();
    t = Math.min(t, (performance.now() - t0) / 1000);
  }
  return t;
}

if (import.meta.main) {
  const docs = makeDocuments();
  const tokens = docs.reduce((n, d) => n + d.split(" ").length, 0);
  console.log(`${DOCUMENTS} documents, ${tokens} words`);
  const plain = new layers.TextVectorization({ maxTokens: 20_000, outputSequenceLength: 80 });
  const array = best(() => plain.adapt(docs));
  console.log(
    `adapt (string[]):            ${array.toFixed(3)} s, vocabulary ${plain.vocabularySize()}`,
  );
  const streamed = new layers.TextVectorization({ maxTokens: 20_000 });
  const ds = Dataset.fromArrays(docs).batch(256);
  const dataset = best(() => streamed.adapt(ds));
  console.log(`adapt (Dataset, batches of 256): ${dataset.toFixed(3)} s`);
  const bigrams = new layers.TextVectorization({ maxTokens: 20_000, ngrams: 2 });
  const withBigrams = best(() => bigrams.adapt(docs));
  console.log(`adapt with bigrams:          ${withBigrams.toFixed(3)} s`);
  const x = tf.tensor(docs);
  const vectorize = best(() => tf.dispose(plain.apply(x)));
  x.dispose();
  console.log(`vectorize 25,000 documents to [25000, 80]: ${vectorize.toFixed(3)} s`);
}
