/**
 * Two-dimensional test functions for watching optimizers move: Beale,
 * Rosenbrock, the saddle x² − y² and Himmelblau. Each is written once with
 * TensorFlow.js ops, so the same definition gives the optimizers their
 * gradients and the contour plot its grid.
 *
 * @module
 */
import { tf } from "../mod.ts";

/** Names of the test functions. */
export type TestFunctionName = "beale" | "rosenbrock" | "saddle" | "himmelblau";

/** A 2-D function and how to show it. */
export interface TestFunction {
  /** The key used on the command line. */
  name: TestFunctionName;
  /** The formula, for titles. */
  title: string;
  /** f(x, y) on tensors of equal shape. */
  f: (x: tf.Tensor, y: tf.Tensor) => tf.Tensor;
  /** Where every solver starts. */
  start: [number, number];
  /** The plotted x range. */
  xDomain: [number, number];
  /** The plotted y range. */
  yDomain: [number, number];
  /** The global minima (none for the saddle). */
  minima: [number, number][];
  /** Whether f ≥ 0 with minimum 0, so losses are drawn on a log scale. */
  logScale: boolean;
  /** Steps each solver takes by default. */
  steps: number;
}

const sq = (t: tf.Tensor) => tf.square(t);
const c = (v: number) => tf.scalar(v);

/** The four test functions by name. */
export const TEST_FUNCTIONS: Record<TestFunctionName, TestFunction> = {
  beale: {
    name: "beale",
    title: "Beale (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²",
    f: (x, y) =>
      tf.tidy(() => {
        const term = (a: number, power: number) =>
          sq(tf.add(tf.sub(c(a), x), tf.mul(x, tf.pow(y, c(power)))));
        return tf.addN([term(1.5, 1), term(2.25, 2), term(2.625, 3)]);
      }),
    start: [1, 1.5],
    xDomain: [-4.5, 4.5],
    yDomain: [-4.5, 4.5],
    minima: [[3, 0.5]],
    logScale: true,
    steps: 300,
  },
  rosenbrock: {
    name: "rosenbrock",
    title: "Rosenbrock (1 − x)² + 100 (y − x²)²",
    f: (x, y) => tf.tidy(() => tf.add(sq(tf.sub(c(1), x)), tf.mul(c(100), sq(tf.sub(y, sq(x)))))),
    start: [-1.5, 2],
    xDomain: [-2, 2],
    yDomain: [-1, 3],
    minima: [[1, 1]],
    logScale: true,
    steps: 500,
  },
  saddle: {
    name: "saddle",
    title: "saddle x² − y²",
    f: (x, y) => tf.tidy(() => tf.sub(sq(x), sq(y))),
    start: [1, 0.001],
    xDomain: [-1.5, 1.5],
    yDomain: [-1.5, 1.5],
    minima: [],
    logScale: false,
    steps: 150,
  },
  himmelblau: {
    name: "himmelblau",
    title: "Himmelblau (x² + y − 11)² + (x + y² − 7)²",
    f: (x, y) =>
      tf.tidy(() =>
        tf.add(sq(tf.sub(tf.add(sq(x), y), c(11))), sq(tf.sub(tf.add(x, sq(y)), c(7))))
      ),
    start: [-0.3, -0.9],
    xDomain: [-5, 5],
    yDomain: [-5, 5],
    minima: [[3, 2], [-2.805118, 3.131312], [-3.77931, -3.283186], [3.584428, -1.848126]],
    logScale: true,
    steps: 200,
  },
};

/**
 * Samples a test function on a regular grid (one batched evaluation).
 *
 * @param fn The function.
 * @param n Samples along each axis.
 * @returns Row-major values, `values[j * n + i]` = f(x_i, y_j).
 */
export function sampleGrid(fn: TestFunction, n: number): Float32Array {
  return tf.tidy(() => {
    const xs = tf.linspace(fn.xDomain[0], fn.xDomain[1], n);
    const ys = tf.linspace(fn.yDomain[0], fn.yDomain[1], n);
    const x = tf.tile(tf.reshape(xs, [1, n]), [n, 1]);
    const y = tf.tile(tf.reshape(ys, [n, 1]), [1, n]);
    return fn.f(x, y).dataSync() as Float32Array;
  });
}

/**
 * Contour levels for a function's grid: log-spaced for functions with
 * minimum 0, evenly spaced otherwise.
 *
 * @param fn The function.
 * @param values Its sampled grid.
 * @param count How many levels.
 * @returns Increasing levels.
 */
export function contourLevels(fn: TestFunction, values: Float32Array, count = 24): number[] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (!fn.logScale) {
    return Array.from({ length: count }, (_, k) => lo + ((hi - lo) * (k + 0.5)) / count);
  }
  const a = Math.log10(Math.max(lo, 1e-3) + 1e-3);
  const b = Math.log10(hi);
  return Array.from({ length: count }, (_, k) => 10 ** (a + ((b - a) * k) / (count - 1)));
}
