import { Random } from "../engine/random.ts";
import { tf } from "../engine/tf.ts";
import { optionalSeed } from "../engine/validate.ts";
import { checkOptions } from "../engine/options.ts";

/** Options of {@link trainTestSplit}. */
export interface TrainTestSplitOptions {
  /**
   * The fraction of samples that goes to the test part, in (0, 1); the test
   * part holds `ceil(testSize * samples)` samples.
   * @default 0.2
   */
  testSize?: number;
  /**
   * Seed of the shuffle: equal seeds give equal splits. When omitted, one is
   * drawn from kerno's global generator (see `setSeed`).
   */
  seed?: number;
  /**
   * Shuffle before splitting; when false the test part is the last samples.
   * @default true
   */
  shuffle?: boolean;
  /**
   * Keep each class's share equal in both parts, taking the classes from `y`
   * (labels `[samples]` or `[samples, 1]`, or one-hot `[samples, classes]`).
   * Needs `shuffle: true`.
   * @default false
   */
  stratify?: boolean;
}

/** The keys of {@link TrainTestSplitOptions}. */
const TRAIN_TEST_SPLIT_OPTION_KEYS: readonly (keyof TrainTestSplitOptions)[] = [
  "testSize",
  "seed",
  "shuffle",
  "stratify",
];

/** The four parts made by {@link trainTestSplit}. */
export interface TrainTestSplit<X extends tf.Tensor, Y extends tf.Tensor> {
  /** Training inputs. */
  xTrain: X;
  /** Test inputs. */
  xTest: X;
  /** Training targets. */
  yTrain: Y;
  /** Test targets. */
  yTest: Y;
}

const what = "split into train and test";

/** Reads one class label per sample from y (labels or one-hot rows). */
function classLabels(y: tf.Tensor): number[] {
  const n = y.shape[0];
  const values = y.dataSync();
  const width = y.rank === 1 ? 1 : y.size / n;
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    if (width === 1) {
      labels.push(values[i]);
      continue;
    }
    let best = 0;
    for (let j = 1; j < width; j++) {
      if (values[i * width + j] > values[i * width + best]) best = j;
    }
    labels.push(best);
  }
  return labels;
}

/**
 * How many test samples each class gives: its share of `nTest`, rounded
 * down, and the samples left over go to the largest remainders.
 */
function testCounts(
  classSizes: Map<number, number>,
  n: number,
  nTest: number,
): Map<number, number> {
  const entries = [...classSizes.entries()];
  const counts = new Map<number, number>();
  const remainders: { label: number; rest: number }[] = [];
  let given = 0;
  for (const [label, size] of entries) {
    const ideal = (size * nTest) / n;
    counts.set(label, Math.floor(ideal));
    given += Math.floor(ideal);
    remainders.push({ label, rest: ideal - Math.floor(ideal) });
  }
  remainders.sort((a, b) => b.rest - a.rest || a.label - b.label);
  for (let k = 0; given < nTest; k++, given++) {
    const label = remainders[k].label;
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return counts;
}

/** Marks the test samples of a stratified split; `order` is a random permutation. */
function stratifiedTestMask(labels: number[], order: Int32Array, nTest: number): boolean[] {
  const sizes = new Map<number, number>();
  for (const label of labels) sizes.set(label, (sizes.get(label) ?? 0) + 1);
  for (const [label, size] of sizes) {
    if (size < 2) {
      throw new RangeError(
        `Cannot ${what} with "stratify" as every class needs at least 2 samples: class ${label} has ${size}`,
      );
    }
  }
  const quota = testCounts(sizes, labels.length, nTest);
  const isTest = new Array<boolean>(labels.length).fill(false);
  for (const i of order) {
    const left = quota.get(labels[i]) ?? 0;
    if (left > 0) {
      isTest[i] = true;
      quota.set(labels[i], left - 1);
    }
  }
  return isTest;
}

/** Checks the options and returns the number of test samples. */
function checkSplit(
  x: tf.Tensor,
  y: tf.Tensor,
  testSize: unknown,
  shuffle: boolean,
  stratify: boolean,
): number {
  if (!(x instanceof tf.Tensor) || !(y instanceof tf.Tensor)) {
    throw new TypeError(`Cannot ${what} as "x" and "y" must be tensors`);
  }
  if (x.rank === 0 || y.rank === 0 || x.shape[0] !== y.shape[0]) {
    throw new RangeError(
      `Cannot ${what} as "x" and "y" must have equal first dimensions: received shapes [${x.shape}] and [${y.shape}]`,
    );
  }
  if (typeof testSize !== "number") {
    throw new TypeError(
      `Cannot ${what} as "testSize" must be a number in (0, 1): received ${typeof testSize}`,
    );
  }
  if (!(testSize > 0 && testSize < 1)) {
    throw new RangeError(
      `Cannot ${what} as "testSize" must be a fraction in (0, 1): received ${testSize}`,
    );
  }
  if (stratify && !shuffle) {
    throw new TypeError(
      `Cannot ${what} as "stratify" needs "shuffle": true: received shuffle false`,
    );
  }
  const n = x.shape[0];
  const nTest = Math.ceil(testSize * n);
  if (n - nTest < 1) {
    throw new RangeError(
      `Cannot ${what} as "testSize" ${testSize} of ${n} samples leaves no training samples`,
    );
  }
  return nTest;
}

/**
 * Splits inputs and targets into a training and a test part, the same way
 * for a given seed. Fit scalers (`standardize`, `minMaxScale`) on `xTrain`
 * only, then apply them to both parts, so the test part stays unseen.
 *
 * @param x The inputs, samples along the first axis.
 * @param y The targets, as many as `x` has samples.
 * @param options Test fraction, seed, shuffle and stratification.
 * @returns New tensors `xTrain`, `xTest`, `yTrain`, `yTest` (the caller
 *   disposes of them; `x` and `y` are left as they are).
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * import { trainTestSplit } from "./train_test_split.ts";
 * const x = tf.tensor2d([[0], [1], [2], [3], [4]]);
 * const y = tf.tensor1d([0, 1, 0, 1, 0], "int32");
 * const split = trainTestSplit(x, y, { testSize: 0.4, seed: 7 });
 * console.log(split.xTrain.shape, split.xTest.shape); // [3, 1] [2, 1]
 * tf.dispose([x, y, split.xTrain, split.xTest, split.yTrain, split.yTest]);
 * ```
 */
export function trainTestSplit<X extends tf.Tensor, Y extends tf.Tensor>(
  x: X,
  y: Y,
  options: TrainTestSplitOptions = {},
): TrainTestSplit<X, Y> {
  options = checkOptions(what, options, TRAIN_TEST_SPLIT_OPTION_KEYS);
  const { testSize = 0.2, shuffle = true, stratify = false } = options;
  const seed = optionalSeed(what, "seed", options.seed);
  const nTest = checkSplit(x, y, testSize, shuffle, stratify);
  const n = x.shape[0];
  const order = shuffle
    ? new Random(seed).permutation(n)
    : Int32Array.from({ length: n }, (_, i) => i);
  let trainIndices: number[];
  let testIndices: number[];
  if (stratify) {
    const isTest = stratifiedTestMask(classLabels(y), order, nTest);
    trainIndices = [...order].filter((i) => !isTest[i]);
    testIndices = [...order].filter((i) => isTest[i]);
  } else {
    trainIndices = [...order.subarray(0, n - nTest)];
    testIndices = [...order.subarray(n - nTest)];
  }
  return tf.tidy(() => {
    const train = tf.tensor1d(trainIndices, "int32");
    const test = tf.tensor1d(testIndices, "int32");
    return {
      xTrain: tf.gather(x, train) as X,
      xTest: tf.gather(x, test) as X,
      yTrain: tf.gather(y, train) as Y,
      yTest: tf.gather(y, test) as Y,
    };
  });
}
