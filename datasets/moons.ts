import { Random } from "../engine/random.ts";
import { tf } from "../engine/tf.ts";
import { NON_NEGATIVE, number, optionalSeed, positiveInt } from "../engine/validate.ts";
import { gaussian } from "./_gaussian.ts";
import type { SyntheticData } from "./synthetic_data.ts";
import { checkOptions } from "../engine/options.ts";

/** Options of {@link moons}. */
export interface MoonsOptions {
  /**
   * Total number of points; the first moon gets `floor(samples / 2)`.
   * @default 200
   */
  samples?: number;
  /**
   * Standard deviation of the Gaussian noise added to each coordinate.
   * @default 0.1
   */
  noise?: number;
  /** Seed: equal seeds give equal data. When omitted, drawn from kerno's global generator. */
  seed?: number;
}

/** The keys of {@link MoonsOptions}. */
const MOONS_OPTION_KEYS: readonly (keyof MoonsOptions)[] = [
  "samples",
  "noise",
  "seed",
];

const what = "make moons";

/**
 * Makes two interleaving half circles in 2-D, a small non-linear binary
 * task. Class 0 lies on `(cos a, sin a)` and class 1 on
 * `(1 - cos a, 0.5 - sin a)`, `a` evenly spaced over [0, pi], each
 * coordinate plus `noise * N(0, 1)`. The points are returned shuffled.
 *
 * @param options Number of points, noise and seed.
 * @returns `x` float32 `[samples, 2]`, `y` int32 `[samples]` (0 or 1).
 * @example
 * ```ts
 * import { moons } from "./moons.ts";
 * const { x, y } = moons({ samples: 100, noise: 0.05, seed: 3 });
 * console.log(x.shape); // [100, 2]
 * x.dispose();
 * y.dispose();
 * ```
 */
export function moons(options: MoonsOptions = {}): SyntheticData {
  options = checkOptions(what, options, MOONS_OPTION_KEYS);
  const samples = positiveInt(what, "samples", options.samples ?? 200);
  const noise = number(what, "noise", options.noise ?? 0.1, NON_NEGATIVE);
  const rng = new Random(optionalSeed(what, "seed", options.seed));
  const outer = Math.floor(samples / 2);
  const points: number[][] = [];
  const labels: number[] = [];
  const angle = (i: number, count: number) => (count === 1 ? 0 : (Math.PI * i) / (count - 1));
  for (let i = 0; i < outer; i++) {
    const a = angle(i, outer);
    points.push([Math.cos(a), Math.sin(a)]);
    labels.push(0);
  }
  for (let i = 0; i < samples - outer; i++) {
    const a = angle(i, samples - outer);
    points.push([1 - Math.cos(a), 0.5 - Math.sin(a)]);
    labels.push(1);
  }
  for (const p of points) {
    p[0] += noise * gaussian(rng);
    p[1] += noise * gaussian(rng);
  }
  const order = rng.permutation(samples);
  return {
    x: tf.tensor2d([...order].map((i) => points[i]), [samples, 2], "float32"),
    y: tf.tensor1d([...order].map((i) => labels[i]), "int32"),
  };
}
