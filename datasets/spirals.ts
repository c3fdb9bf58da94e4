import { Random } from "../engine/random.ts";
import { tf } from "../engine/tf.ts";
import { NON_NEGATIVE, number, optionalSeed, positiveInt } from "../engine/validate.ts";
import { gaussian } from "./_gaussian.ts";
import type { SyntheticData } from "./synthetic_data.ts";
import { checkOptions } from "../engine/options.ts";

/** Options of {@link spirals}. */
export interface SpiralsOptions {
  /**
   * Total number of points, shared as evenly as possible among the classes.
   * @default 300
   */
  samples?: number;
  /**
   * Number of spiral arms, one class each.
   * @default 3
   */
  classes?: number;
  /**
   * Standard deviation of the Gaussian noise added to each point's angle (radians).
   * @default 0.2
   */
  noise?: number;
  /** Seed: equal seeds give equal data. When omitted, drawn from kerno's global generator. */
  seed?: number;
}

/** The keys of {@link SpiralsOptions}. */
const SPIRALS_OPTION_KEYS: readonly (keyof SpiralsOptions)[] = [
  "samples",
  "classes",
  "noise",
  "seed",
];

const what = "make spirals";

/**
 * Makes interleaved 2-D spirals, one arm per class: a classic task that a
 * linear model cannot solve and a small network with a hidden layer can.
 * Point `i` of `m` in arm `c` lies at radius `r = i / (m - 1)` and angle
 * `t = 4c + 4r + noise * N(0, 1)`, at `(r sin t, r cos t)`. The points are
 * returned shuffled.
 *
 * @param options Number of points and classes, noise and seed.
 * @returns `x` float32 `[samples, 2]`, `y` int32 `[samples]` (0..classes-1).
 * @example
 * ```ts
 * import { spirals } from "./spirals.ts";
 * const { x, y } = spirals({ samples: 300, classes: 3, seed: 1 });
 * console.log(x.shape, y.shape); // [300, 2] [300]
 * x.dispose();
 * y.dispose();
 * ```
 */
export function spirals(options: SpiralsOptions = {}): SyntheticData {
  options = checkOptions(what, options, SPIRALS_OPTION_KEYS);
  const samples = positiveInt(what, "samples", options.samples ?? 300);
  const classes = positiveInt(what, "classes", options.classes ?? 3);
  const noise = number(what, "noise", options.noise ?? 0.2, NON_NEGATIVE);
  const rng = new Random(optionalSeed(what, "seed", options.seed));
  const points: number[][] = [];
  const labels: number[] = [];
  for (let c = 0; c < classes; c++) {
    const count = Math.floor(samples / classes) + (c < samples % classes ? 1 : 0);
    for (let i = 0; i < count; i++) {
      const r = count === 1 ? 0 : i / (count - 1);
      const t = 4 * c + 4 * r + noise * gaussian(rng);
      points.push([r * Math.sin(t), r * Math.cos(t)]);
      labels.push(c);
    }
  }
  const order = rng.permutation(samples);
  return {
    x: tf.tensor2d([...order].map((i) => points[i]), [samples, 2], "float32"),
    y: tf.tensor1d([...order].map((i) => labels[i]), "int32"),
  };
}
