import { Random } from "../engine/random.ts";
import { tf } from "../engine/tf.ts";
import { NON_NEGATIVE, number, optionalSeed, positiveInt } from "../engine/validate.ts";
import { gaussian } from "./_gaussian.ts";
import type { SyntheticData } from "./synthetic_data.ts";
import { checkOptions } from "../engine/options.ts";

/** Options of {@link blobs}. */
export interface BlobsOptions {
  /**
   * Total number of points, shared as evenly as possible among the centers.
   * @default 300
   */
  samples?: number;
  /**
   * The number of centers, drawn uniformly in [-10, 10] per coordinate, or
   * the centers themselves (one array of `features` numbers each).
   * @default 3
   */
  centers?: number | number[][];
  /**
   * Number of features (dimensions); taken from `centers` when they are given.
   * @default 2
   */
  features?: number;
  /**
   * Standard deviation of each blob around its center.
   * @default 1
   */
  clusterStd?: number;
  /** Seed: equal seeds give equal data. When omitted, drawn from kerno's global generator. */
  seed?: number;
}

/** The keys of {@link BlobsOptions}. */
const BLOBS_OPTION_KEYS: readonly (keyof BlobsOptions)[] = [
  "samples",
  "centers",
  "features",
  "clusterStd",
  "seed",
];

const what = "make blobs";

/** Returns the centers: the given ones, checked, or drawn in [-10, 10]. */
function makeCenters(options: BlobsOptions, rng: Random): number[][] {
  const centers = options.centers ?? 3;
  if (typeof centers === "number") {
    const count = positiveInt(what, "centers", centers);
    const features = positiveInt(what, "features", options.features ?? 2);
    return Array.from(
      { length: count },
      () => Array.from({ length: features }, () => -10 + 20 * rng.next()),
    );
  }
  const features = options.features ?? centers[0]?.length;
  const valid = Array.isArray(centers) && centers.length > 0 &&
    centers.every((c) =>
      Array.isArray(c) && c.length === features && c.length > 0 && c.every(Number.isFinite)
    );
  if (!valid) {
    throw new RangeError(
      `Cannot ${what} as "centers" must be a positive integer or a non-empty array of points with ${features} finite coordinates each: received ${
        JSON.stringify(centers)
      }`,
    );
  }
  return centers.map((c) => [...c]);
}

/**
 * Makes isotropic Gaussian blobs, one class per center: points of class `k`
 * are `centers[k] + clusterStd * N(0, I)`. A simple task for clustering and
 * multi-class classification. The points are returned shuffled.
 *
 * @param options Number of points, centers, features, spread and seed.
 * @returns `x` float32 `[samples, features]`, `y` int32 `[samples]`
 *   (0..centers-1).
 * @example
 * ```ts
 * import { blobs } from "./blobs.ts";
 * const { x, y } = blobs({ samples: 90, centers: [[0, 0], [5, 5], [0, 5]], seed: 2 });
 * console.log(x.shape); // [90, 2]
 * x.dispose();
 * y.dispose();
 * ```
 */
export function blobs(options: BlobsOptions = {}): SyntheticData {
  options = checkOptions(what, options, BLOBS_OPTION_KEYS);
  const samples = positiveInt(what, "samples", options.samples ?? 300);
  const clusterStd = number(what, "clusterStd", options.clusterStd ?? 1, NON_NEGATIVE);
  const rng = new Random(optionalSeed(what, "seed", options.seed));
  const centers = makeCenters(options, rng);
  const features = centers[0].length;
  const points: number[][] = [];
  const labels: number[] = [];
  centers.forEach((center, k) => {
    const count = Math.floor(samples / centers.length) + (k < samples % centers.length ? 1 : 0);
    for (let i = 0; i < count; i++) {
      points.push(center.map((c) => c + clusterStd * gaussian(rng)));
      labels.push(k);
    }
  });
  const order = rng.permutation(samples);
  return {
    x: tf.tensor2d([...order].map((i) => points[i]), [samples, features], "float32"),
    y: tf.tensor1d([...order].map((i) => labels[i]), "int32"),
  };
}
