/**
 * Max pooling of inputs holding NaN, with the values and gradients PyTorch
 * 1.13 gives (`torch.nn.functional.max_pool2d` / `max_pool1d` on the same
 * values in NCHW / NCW, pinned here in NHWC / NWC order): a window holding a
 * NaN gives NaN, and its gradient goes to the window's last NaN in
 * row-major order. The loss is `Σ y · w` with `w = 1, 2, …` over the output,
 * so each gradient entry names the windows that chose that tap.
 *
 * @module
 */
import { tf } from "../../engine/tf.ts";

/** One pinned case. */
export interface NanPoolCase {
  /** What the case exercises. */
  label: string;
  /** The input's shape, NHWC (or NWC for 1-D pooling). */
  shape: number[];
  /** The input's values. */
  values: number[];
  /** The window (rows, cols), or its length for 1-D pooling. */
  poolSize: [number, number] | number;
  /** The strides, like `poolSize`. */
  strides: [number, number] | number;
  /** Keras's padding. */
  padding: "valid" | "same";
  /** PyTorch's output. */
  expected: number[];
  /** PyTorch's gradient of `Σ y · w` with respect to the input. */
  grad: number[];
}

const N = NaN;
const I = Infinity;

/** 2-D cases: NHWC inputs. */
export const NAN_POOL_2D: NanPoolCase[] = [
  {
    label: "overlapping 2×2 windows, stride 1, two channels, NaN at any tap",
    shape: [1, 3, 3, 2],
    values: [1, N, 2, -1, 3, 4, N, 5, 0, N, 6, 2, 7, 8, 9, 1, 2, N],
    poolSize: [2, 2],
    strides: [1, 1],
    padding: "valid",
    expected: [N, N, 6, N, N, N, 9, N],
    grad: [0, 0, 0, 0, 0, 0, 6, 0, 0, 12, 3, 0, 0, 0, 7, 0, 0, 8],
  },
  {
    label: "3×3 windows with 'same' padding",
    shape: [1, 3, 4, 1],
    values: [1, N, 3, 2, 4, 5, N, 0, 9, 1, 2, 3],
    poolSize: [3, 3],
    strides: [1, 1],
    padding: "same",
    expected: [N, N, N, N, N, N, N, N, 9, N, N, N],
    grad: [0, 6, 0, 0, 0, 0, 63, 0, 9, 0, 0, 0],
  },
  {
    label: "2×2 stride 2 with ties, infinities and NaN first, inside and last",
    shape: [1, 4, 4, 1],
    values: [1, 1, N, 5, 0, 1, 7, 2, -I, -I, 2, N, 3, I, 2, 4],
    poolSize: [2, 2],
    strides: [2, 2],
    padding: "valid",
    expected: [1, N, I, N],
    grad: [1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 3, 0, 0],
  },
  {
    label: "2×2 stride 2, several NaNs in a window (the last one gets the gradient)",
    shape: [1, 2, 4, 1],
    values: [N, N, 1, 2, 3, N, N, 4],
    poolSize: [2, 2],
    strides: [2, 2],
    padding: "valid",
    expected: [N, N],
    grad: [0, 0, 0, 0, 0, 1, 2, 0],
  },
  {
    label: "2×2 stride 2, two images, two channels",
    shape: [2, 2, 2, 2],
    values: [2, N, 1, 3, N, 0, 4, -1, 5, N, 6, 7, 0, 8, N, 1],
    poolSize: [2, 2],
    strides: [2, 2],
    padding: "valid",
    expected: [N, N, N, N],
    grad: [0, 2, 0, 0, 1, 0, 0, 0, 0, 4, 0, 0, 0, 0, 3, 0],
  },
];

/** A 1-D case: an NWC input (`max_pool1d`). */
export const NAN_POOL_1D: NanPoolCase = {
  label: "1-D windows of 2, stride 2, two channels",
  shape: [1, 6, 2],
  values: [1, N, 3, 2, N, 0, 5, 6, N, N, 2, 1],
  poolSize: 2,
  strides: 2,
  padding: "valid",
  expected: [3, N, N, 6, N, N],
  grad: [0, 2, 1, 0, 3, 0, 0, 4, 5, 6, 0, 0],
};

/**
 * Whether two arrays are equal, NaN equal to NaN (`assert.deepEqual` on
 * arrays already treats NaN so; this names the first difference).
 *
 * @param actual The values under test.
 * @param expected The pinned values.
 * @returns `null` when equal, else a sentence naming the first difference.
 */
export function firstDifference(actual: ArrayLike<number>, expected: number[]): string | null {
  if (actual.length !== expected.length) {
    return `length ${actual.length}, expected ${expected.length}`;
  }
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i]) && !(actual[i] === expected[i])) {
      return `[${i}]: got ${actual[i]}, expected ${expected[i]} (all: ${Array.from(actual)})`;
    }
  }
  return null;
}

/**
 * The case's input as a tensor on the active backend.
 *
 * @param c The case.
 * @returns A new tensor.
 */
export function nanCaseInput(c: NanPoolCase): tf.Tensor {
  return tf.tensor(c.values, c.shape);
}

/**
 * The case's output and the gradient of `Σ y · w` through `pool`, on the
 * active backend (call inside `tf.tidy`).
 *
 * @param c The case.
 * @param pool The pooling under test.
 * @returns `[y, dx]`.
 */
export function nanCaseOutputs(c: NanPoolCase, pool: (x: tf.Tensor) => tf.Tensor): tf.Tensor[] {
  const { value, grad } = tf.valueAndGrad((t: tf.Tensor) => {
    const y = pool(t);
    return tf.sum(tf.mul(y, tf.reshape(tf.range(1, y.size + 1), y.shape)));
  })(nanCaseInput(c));
  // The loss is NaN whenever y holds one; y itself, again outside the tape:
  value.dispose();
  return [pool(nanCaseInput(c)), grad];
}
