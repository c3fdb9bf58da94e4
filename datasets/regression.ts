import { Random } from "../engine/random.ts";
import { tf } from "../engine/tf.ts";
import { NON_NEGATIVE, number, optionalSeed, positiveInt } from "../engine/validate.ts";
import { gaussian } from "./_gaussian.ts";
import type { SyntheticData } from "./synthetic_data.ts";
import { checkOptions } from "../engine/options.ts";

/** Options of {@link regression}. */
export interface RegressionOptions {
  /**
   * Number of samples.
   * @default 200
   */
  samples?: number;
  /**
   * Number of input features.
   * @default 1
   */
  features?: number;
  /**
   * Standard deviation of the Gaussian noise added to the target.
   * @default 0.1
   */
  noise?: number;
  /**
   * The intercept of the linear model.
   * @default 0
   */
  bias?: number;
  /** Seed: equal seeds give equal data. When omitted, drawn from kerno's global generator. */
  seed?: number;
}

/** The keys of {@link RegressionOptions}. */
const REGRESSION_OPTION_KEYS: readonly (keyof RegressionOptions)[] = [
  "samples",
  "features",
  "noise",
  "bias",
  "seed",
];

/** A linear regression task and the true model behind it. */
export interface RegressionData extends SyntheticData {
  /** The true coefficient of each feature. */
  coef: number[];
  /** The true intercept. */
  bias: number;
}

const what = "make regression";

/**
 * Makes a linear regression task: inputs `x ~ N(0, 1)`, coefficients drawn
 * uniformly in [-2, 2], and targets `y = x . coef + bias + noise * N(0, 1)`.
 * A model with one `Dense(1)` layer can recover `coef` and `bias`.
 *
 * @param options Number of samples and features, noise, bias and seed.
 * @returns `x` float32 `[samples, features]`, `y` float32 `[samples, 1]`,
 *   and the true `coef` and `bias`.
 * @example
 * ```ts
 * import { regression } from "./regression.ts";
 * const { x, y, coef } = regression({ samples: 50, features: 3, seed: 4 });
 * console.log(x.shape, y.shape, coef.length); // [50, 3] [50, 1] 3
 * x.dispose();
 * y.dispose();
 * ```
 */
export function regression(options: RegressionOptions = {}): RegressionData {
  options = checkOptions(what, options, REGRESSION_OPTION_KEYS);
  const samples = positiveInt(what, "samples", options.samples ?? 200);
  const features = positiveInt(what, "features", options.features ?? 1);
  const noise = number(what, "noise", options.noise ?? 0.1, NON_NEGATIVE);
  const bias = number(what, "bias", options.bias ?? 0);
  const rng = new Random(optionalSeed(what, "seed", options.seed));
  const coef = Array.from({ length: features }, () => -2 + 4 * rng.next());
  const x = new Float32Array(samples * features);
  const y = new Float32Array(samples);
  for (let i = 0; i < samples; i++) {
    let target = bias;
    for (let j = 0; j < features; j++) {
      const value = Math.fround(gaussian(rng));
      x[i * features + j] = value;
      target += value * coef[j];
    }
    y[i] = target + noise * gaussian(rng);
  }
  return {
    x: tf.tensor2d(x, [samples, features], "float32"),
    y: tf.tensor2d(y, [samples, 1], "float32"),
    coef,
    bias,
  };
}
