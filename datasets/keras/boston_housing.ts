/**
 * `bostonHousing`: the Boston housing prices, as `keras.datasets.boston_housing`.
 *
 * @module
 */
import { tf } from "../../engine/tf.ts";
import { number } from "../../engine/validate.ts";
import { type DownloadOptions, downloadOptions } from "./_files.ts";
import { fileBytes, KERAS_ORIGIN } from "./_load.ts";
import { npzMember, readNpy, readNpz } from "./_npy.ts";
import { legacyPermutation } from "./_random_state.ts";
import type { TrainTestData } from "./standard_dataset.ts";

/** Options of `bostonHousing.loadData`. */
export interface BostonHousingOptions extends DownloadOptions {
  /** The fraction of the (shuffled) samples kept for testing, in [0, 1). @default 0.2 */
  testSplit?: number;
  /** The seed of the shuffle (NumPy's legacy `RandomState`: Keras's order). @default 113 */
  seed?: number;
}

const NPZ = {
  name: "boston_housing.npz",
  url: `${KERAS_ORIGIN}boston_housing.npz`,
  hash: "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5",
  algorithm: "sha256",
} as const;

/**
 * Loads the Boston housing data (Harrison & Rubinfeld, 1978, from StatLib):
 * 506 districts, 13 features each, and the median home value in $1000s.
 * The samples are shuffled with `seed` (Keras's order), then the last
 * `testSplit` of them are the test set. From Keras's `boston_housing.npz`
 * (SHA-256 checked), cached in `$KERNO_HOME/datasets`. The data set has
 * known ethical problems (a feature built on race); prefer `diabetes` or
 * another regression set for new work.
 *
 * @param options `testSplit`, `seed`, `path`, `cacheDir`, `verbose`, `fetch`.
 * @returns `[[xTrain, yTrain], [xTest, yTest]]`: `x` float32 `[n, 13]`, `y`
 *   float32 `[n]` (404 and 102 samples with the defaults).
 * @example
 * ```ts ignore
 * import { datasets } from "../../mod.ts";
 * const [[xTrain, yTrain]] = await datasets.bostonHousing.loadData();
 * console.log(xTrain.shape); // [404, 13]
 * ```
 */
async function loadData(
  options: BostonHousingOptions = {},
): Promise<TrainTestData<tf.Tensor2D, tf.Tensor1D>> {
  const what = "load bostonHousing";
  const dl = downloadOptions(what, options, ["testSplit", "seed"]);
  const testSplit = number(
    what,
    "testSplit",
    options.testSplit,
    { min: 0, max: 1, maxOpen: true },
    0.2,
  );
  const seed = options.seed ?? 113;
  if (typeof seed !== "number" || !Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) {
    throw new RangeError(
      `Cannot ${what} as "seed" must be an integer in [0, 2^32): received ${String(seed)}`,
    );
  }
  const { bytes, path } = await fileBytes("bostonHousing", NPZ, dl);
  const npz = readNpz(bytes, path);
  const x = readNpy(npzMember(npz, "x", path), `${path}:x`);
  const y = readNpy(npzMember(npz, "y", path), `${path}:y`);
  const [n, features] = x.shape;
  if (x.shape.length !== 2 || y.shape.length !== 1 || y.shape[0] !== n) {
    throw new TypeError(
      `Cannot read ${path} as x and y must be [n, features] and [n]: received [${x.shape}] and [${y.shape}]`,
    );
  }
  const order = legacyPermutation(n, seed);
  const cut = Math.floor(n * (1 - testSplit));
  const part = (rows: number[]): [tf.Tensor2D, tf.Tensor1D] => {
    const xs = new Float32Array(rows.length * features);
    rows.forEach((r, i) =>
      xs.set(x.values.subarray(r * features, (r + 1) * features), i * features)
    );
    return [
      tf.tensor2d(xs, [rows.length, features]),
      tf.tensor1d(Float32Array.from(rows, (r) => y.values[r])),
    ];
  };
  return [part(order.slice(0, cut)), part(order.slice(cut))];
}

/** The Boston housing prices (`keras.datasets.boston_housing`). */
export const bostonHousing: {
  /** Loads the data; see `BostonHousingOptions`. */
  loadData: (options?: BostonHousingOptions) => Promise<TrainTestData<tf.Tensor2D, tf.Tensor1D>>;
} = { loadData };
