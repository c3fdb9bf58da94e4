/**
 * Internal: the word-index transformations shared by `imdb` and `reuters`,
 * with Keras's semantics: a start marker, an offset for real words, dropping
 * sequences of `maxlen` words or more, and replacing words outside
 * `[skipTop, numWords)` by an out-of-vocabulary marker (or removing them).
 *
 * @module
 */
import { integer, reject } from "../../engine/validate.ts";

/** Options of the word-index data sets (`imdb`, `reuters`). */
export interface SequenceOptions {
  /**
   * Keep the `numWords` most frequent words (indices below `numWords` after
   * the `indexFrom` offset); the others become `oovChar`. `null` keeps every
   * word (then, as in Keras, the largest index seen is the bound, so that
   * one index itself becomes `oovChar`).
   * @default null
   */
  numWords?: number | null;
  /** Treat the indices below `skipTop` (the most frequent words, and the markers) as out of vocabulary. @default 0 */
  skipTop?: number;
  /**
   * Drop every sequence of `maxlen` words or more (after the start marker
   * is added), as Keras does. `null` keeps them all.
   * @default null
   */
  maxlen?: number | null;
  /** The seed of the shuffle (NumPy's legacy `RandomState`, so the order matches Keras's). @default 113 */
  seed?: number;
  /** Put this index first in every sequence; `null` adds none. @default 1 */
  startChar?: number | null;
  /** The index that replaces out-of-vocabulary words; `null` removes them instead. @default 2 */
  oovChar?: number | null;
  /** Add this to every word index of the file (the room kept for 0 = padding, start, out of vocabulary). @default 3 */
  indexFrom?: number;
}

/** The keys of {@link SequenceOptions}. */
export const sequenceOptionKeys: readonly string[] = [
  "numWords",
  "skipTop",
  "maxlen",
  "seed",
  "startChar",
  "oovChar",
  "indexFrom",
] satisfies (keyof SequenceOptions)[];

/** {@link SequenceOptions} checked, with their defaults. */
export interface ResolvedSequenceOptions {
  numWords: number | null;
  skipTop: number;
  maxlen: number | null;
  seed: number;
  startChar: number | null;
  oovChar: number | null;
  indexFrom: number;
}

/**
 * Checks the sequence options.
 *
 * @param what What was being done, e.g. `"load imdb"`.
 * @param o The options received.
 * @returns The options with their defaults.
 */
export function sequenceOptions(what: string, o: SequenceOptions): ResolvedSequenceOptions {
  const nullable = (arg: string, v: unknown, fallback: number | null, min: number) =>
    v === undefined ? fallback : v === null ? null : integer(what, arg, v, min);
  const seed = o.seed ?? 113;
  if (typeof seed !== "number" || !Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) {
    reject(what, "seed", seed, "an integer in [0, 2^32)");
  }
  return {
    numWords: nullable("numWords", o.numWords, null, 1),
    skipTop: integer(what, "skipTop", o.skipTop ?? 0, 0),
    maxlen: nullable("maxlen", o.maxlen, null, 1),
    seed,
    startChar: nullable("startChar", o.startChar, 1, 0),
    oovChar: nullable("oovChar", o.oovChar, 2, 0),
    indexFrom: integer(what, "indexFrom", o.indexFrom ?? 3, 0),
  };
}

/**
 * Adds the start marker and the `indexFrom` offset to every sequence.
 *
 * @param xs The sequences as stored (word ranks from 1).
 * @param o The options.
 * @returns New sequences.
 */
export function offsetSequences(xs: number[][], o: ResolvedSequenceOptions): number[][] {
  return xs.map((x) => {
    const shifted = x.map((w) => w + o.indexFrom);
    return o.startChar === null ? shifted : [o.startChar, ...shifted];
  });
}

/**
 * Keeps the pairs whose sequence is shorter than `maxlen` (Keras's
 * `remove_long_seq`).
 *
 * @param xs The sequences.
 * @param ys Their labels.
 * @param maxlen The bound, or `null` to keep all.
 * @returns The kept sequences and labels.
 */
export function dropLong(
  xs: number[][],
  ys: number[],
  maxlen: number | null,
): [number[][], number[]] {
  if (maxlen === null) return [xs, ys];
  const keptX: number[][] = [];
  const keptY: number[] = [];
  xs.forEach((x, i) => {
    if (x.length < maxlen) {
      keptX.push(x);
      keptY.push(ys[i]);
    }
  });
  return [keptX, keptY];
}

/**
 * Replaces (or removes) the words outside `[skipTop, numWords)`; with no
 * `numWords`, the bound is the largest index over all sequences, as Keras.
 *
 * @param xs All sequences (training and test together).
 * @param o The options.
 * @returns New sequences.
 */
export function limitVocabulary(xs: number[][], o: ResolvedSequenceOptions): number[][] {
  let numWords = o.numWords;
  if (numWords === null) {
    numWords = 0;
    for (const x of xs) for (const w of x) numWords = Math.max(numWords, w);
  }
  const keep = (w: number) => o.skipTop <= w && w < (numWords as number);
  const oov = o.oovChar;
  return oov === null
    ? xs.map((x) => x.filter(keep))
    : xs.map((x) => x.map((w) => (keep(w) ? w : oov)));
}

/**
 * Picks items in the given order.
 *
 * @param items The items.
 * @param order The indices.
 * @returns `order.map((i) => items[i])`.
 */
export function reorder<T>(items: ArrayLike<T>, order: number[]): T[] {
  return order.map((i) => items[i]);
}
