import { Random } from "../engine/random.ts";
import { tf } from "../engine/tf.ts";
import { optionalSeed, positiveInt } from "../engine/validate.ts";
import type { SyntheticData } from "./synthetic_data.ts";
import { checkOptions } from "../engine/options.ts";

/** Options of {@link tokenTask}. */
export interface TokenTaskOptions {
  /**
   * Number of sequences; half are positive (one more when odd).
   * @default 2000
   */
  samples?: number;
  /**
   * Vocabulary size: token ids are in [0, vocabSize), 0 being padding. At least 3.
   * @default 20000
   */
  vocabSize?: number;
  /**
   * Length of every (padded) sequence.
   * @default 42
   */
  length?: number;
  /** Seed: equal seeds give equal data. When omitted, drawn from kerno's global generator. */
  seed?: number;
}

/** The keys of {@link TokenTaskOptions}. */
const TOKEN_TASK_OPTION_KEYS: readonly (keyof TokenTaskOptions)[] = [
  "samples",
  "vocabSize",
  "length",
  "seed",
];

const what = "make tokenTask";

/**
 * Makes a binary sequence-classification task for the lesson's text model
 * (`Embedding(20000, 50, inputLength 42, maskZero)` -> `Flatten` ->
 * `Dense(128, relu)` -> `Dense(1, sigmoid)`), learnable by it to over 90%
 * accuracy within a few epochs.
 *
 * Each sequence holds `n` token ids (`n` uniform in
 * [max(1, floor(length / 4)), length]) followed by zero padding. Its first
 * token carries the label: from the positive set `1..k` for label 1, from the
 * negative set `k+1..2k` for label 0, with `k = min(10, floor((vocabSize - 1) / 2))`.
 * The other tokens are noise drawn uniformly from `1..vocabSize-1`. The signal
 * sits at a fixed position because `Flatten` after an embedding keeps
 * positions apart.
 *
 * @param options Number of sequences, vocabulary size, length and seed.
 * @returns `x` int32 `[samples, length]` (token ids), `y` float32
 *   `[samples, 1]` (0 or 1), balanced.
 * @example
 * ```ts
 * import { tokenTask } from "./token_task.ts";
 * const { x, y } = tokenTask({ samples: 100, seed: 5 });
 * console.log(x.shape, x.dtype, y.shape); // [100, 42] int32 [100, 1]
 * x.dispose();
 * y.dispose();
 * ```
 */
export function tokenTask(options: TokenTaskOptions = {}): SyntheticData {
  options = checkOptions(what, options, TOKEN_TASK_OPTION_KEYS);
  const samples = positiveInt(what, "samples", options.samples ?? 2000);
  const vocabSize = positiveInt(what, "vocabSize", options.vocabSize ?? 20000);
  const length = positiveInt(what, "length", options.length ?? 42);
  if (vocabSize < 3) {
    throw new RangeError(
      `Cannot ${what} as "vocabSize" must be at least 3 (padding and two classes): received ${vocabSize}`,
    );
  }
  const rng = new Random(optionalSeed(what, "seed", options.seed));
  const k = Math.min(10, Math.floor((vocabSize - 1) / 2));
  const positives = Math.ceil(samples / 2);
  const labelOrder = rng.permutation(samples);
  const shortest = Math.max(1, Math.floor(length / 4));
  const x = new Int32Array(samples * length);
  const y = new Float32Array(samples);
  for (let i = 0; i < samples; i++) {
    const label = labelOrder[i] < positives ? 1 : 0;
    y[i] = label;
    const n = shortest + Math.floor(rng.next() * (length - shortest + 1));
    const signal = 1 + Math.floor(rng.next() * k) + (label === 1 ? 0 : k);
    x[i * length] = signal;
    for (let t = 1; t < n; t++) x[i * length + t] = 1 + Math.floor(rng.next() * (vocabSize - 1));
  }
  return {
    x: tf.tensor2d(x, [samples, length], "int32"),
    y: tf.tensor2d(y, [samples, 1], "float32"),
  };
}
