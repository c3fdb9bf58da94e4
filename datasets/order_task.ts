import { Random } from "../engine/random.ts";
import { tf } from "../engine/tf.ts";
import { optionalSeed, positiveInt } from "../engine/validate.ts";
import type { SyntheticData } from "./synthetic_data.ts";
import { checkOptions } from "../engine/options.ts";

/** Options of {@link orderTask}. */
export interface OrderTaskOptions {
  /**
   * Number of sequences; half are positive (one more when odd).
   * @default 2000
   */
  samples?: number;
  /**
   * Vocabulary size: token ids are in [0, vocabSize), 0 being padding, 1 and
   * 2 the two marker tokens, the rest filler. At least 4.
   * @default 100
   */
  vocabSize?: number;
  /**
   * Length of every (padded) sequence. At least 2.
   * @default 42
   */
  length?: number;
  /** Seed: equal seeds give equal data. When omitted, drawn from kerno's global generator. */
  seed?: number;
}

/** The keys of {@link OrderTaskOptions}. */
const ORDER_TASK_OPTION_KEYS: readonly (keyof OrderTaskOptions)[] = [
  "samples",
  "vocabSize",
  "length",
  "seed",
];

const what = "make orderTask";

/**
 * Makes a binary sequence-classification task that only a model reading
 * the order of the tokens can learn: is token 1 before token 2?
 *
 * Each sequence holds `n` token ids (`n` uniform in
 * [max(2, floor(length / 4)), length]) followed by zero padding. Token 1
 * and token 2 each occur exactly once, at two distinct random positions
 * among the `n`; the other tokens are filler drawn uniformly from
 * `3..vocabSize-1`. The label is 1 when token 1 comes first, 0 when token 2
 * does. Both labels see the same multiset distribution of tokens and the
 * same lengths, so a bag-of-words model (one that ignores positions, as
 * `Embedding` → `GlobalAveragePooling1D` → `Dense`) stays at chance, 50%.
 * A small vocabulary keeps every filler frequent, so a model learns to
 * ignore fillers rather than memorising rare ones.
 *
 * @param options Number of sequences, vocabulary size, length and seed.
 * @returns `x` int32 `[samples, length]` (token ids), `y` float32
 *   `[samples, 1]` (0 or 1), balanced.
 * @example
 * ```ts
 * import { orderTask } from "./order_task.ts";
 * const { x, y } = orderTask({ samples: 100, seed: 5 });
 * console.log(x.shape, x.dtype, y.shape); // [100, 42] int32 [100, 1]
 * x.dispose();
 * y.dispose();
 * ```
 */
export function orderTask(options: OrderTaskOptions = {}): SyntheticData {
  options = checkOptions(what, options, ORDER_TASK_OPTION_KEYS);
  const samples = positiveInt(what, "samples", options.samples ?? 2000);
  const vocabSize = positiveInt(what, "vocabSize", options.vocabSize ?? 100);
  const length = positiveInt(what, "length", options.length ?? 42);
  if (vocabSize < 4) {
    throw new RangeError(
      `Cannot ${what} as "vocabSize" must be at least 4 (padding, two markers and a filler): received ${vocabSize}`,
    );
  }
  if (length < 2) {
    throw new RangeError(
      `Cannot ${what} as "length" must be at least 2 (room for both markers): received ${length}`,
    );
  }
  const rng = new Random(optionalSeed(what, "seed", options.seed));
  const positives = Math.ceil(samples / 2);
  const labelOrder = rng.permutation(samples);
  const shortest = Math.max(2, Math.floor(length / 4));
  const x = new Int32Array(samples * length);
  const y = new Float32Array(samples);
  for (let i = 0; i < samples; i++) {
    const label = labelOrder[i] < positives ? 1 : 0;
    y[i] = label;
    const row = i * length;
    const n = shortest + Math.floor(rng.next() * (length - shortest + 1));
    for (let t = 0; t < n; t++) x[row + t] = 3 + Math.floor(rng.next() * (vocabSize - 3));
    const p = Math.floor(rng.next() * n);
    let q = Math.floor(rng.next() * (n - 1));
    if (q >= p) q++; // two distinct positions
    const early = Math.min(p, q);
    const late = Math.max(p, q);
    x[row + early] = label === 1 ? 1 : 2;
    x[row + late] = label === 1 ? 2 : 1;
  }
  return {
    x: tf.tensor2d(x, [samples, length], "int32"),
    y: tf.tensor2d(y, [samples, 1], "float32"),
  };
}
