/**
 * `cifar10`: CIFAR-10, as `keras.datasets.cifar10`.
 *
 * @module
 */
import { tf } from "../../engine/tf.ts";
import { type DownloadOptions, downloadOptions } from "./_files.ts";
import { fileBytes } from "./_load.ts";
import { cifarMembers, cifarRecords } from "./_cifar.ts";
import type { TrainTestData } from "./standard_dataset.ts";

const ARCHIVE = {
  name: "cifar-10-binary.tar.gz",
  url: "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz",
  hash: "c32a1d4ab5d03f1284b67883e8d87530",
  algorithm: "md5",
} as const;

/** The ten classes, index = label. */
const CLASS_NAMES: readonly string[] = [
  "airplane",
  "automobile",
  "bird",
  "cat",
  "deer",
  "dog",
  "frog",
  "horse",
  "ship",
  "truck",
];

/**
 * Loads CIFAR-10 (Krizhevsky, 2009): 50,000 training and 10,000 test colour
 * images of 32x32 pixels in ten classes. Keras downloads the Python
 * (pickle) version; kerno downloads the same images in the publisher's
 * binary version (`cifar-10-binary.tar.gz` from www.cs.toronto.edu/~kriz/,
 * checked against the MD5 the CIFAR page lists), so that nothing is
 * unpickled. Cached in `$KERNO_HOME/datasets`; `{ path }` reads the
 * `.tar.gz` from disk. Cite: A. Krizhevsky, "Learning Multiple Layers of
 * Features from Tiny Images", 2009.
 *
 * @param options `path`, `cacheDir`, `verbose`, `fetch`.
 * @returns `[[xTrain, yTrain], [xTest, yTest]]`: `x` int32
 *   `[n, 32, 32, 3]` channels last (0..255; Keras's uint8), `y` int32
 *   `[n, 1]` (0..9, see `classNames`), as Keras shapes them.
 * @example
 * ```ts ignore
 * import { datasets } from "../../mod.ts";
 * const [[xTrain, yTrain]] = await datasets.cifar10.loadData();
 * console.log(xTrain.shape, yTrain.shape); // [50000, 32, 32, 3] [50000, 1]
 * ```
 */
async function loadData(
  options: DownloadOptions = {},
): Promise<TrainTestData<tf.Tensor4D, tf.Tensor2D>> {
  const dl = downloadOptions("load cifar10", options);
  const { bytes, path } = await fileBytes("cifar10", ARCHIVE, dl);
  const dir = "cifar-10-batches-bin/";
  const members = cifarMembers(
    bytes,
    [1, 2, 3, 4, 5].map((i) => `${dir}data_batch_${i}.bin`).concat(`${dir}test_batch.bin`),
    path,
  );
  const train = cifarRecords(members.slice(0, 5), 1, 0, path);
  const test = cifarRecords(members.slice(5), 1, 0, path);
  const tensors = ({ x, y }: { x: Int32Array; y: Int32Array }): [tf.Tensor4D, tf.Tensor2D] => [
    tf.tensor4d(x, [y.length, 32, 32, 3], "int32"),
    tf.tensor2d(y, [y.length, 1], "int32"),
  ];
  return [tensors(train), tensors(test)];
}

/** CIFAR-10 (`keras.datasets.cifar10`): `loadData` and the class names. */
export const cifar10: {
  /** Loads the images; see the function's documentation. */
  loadData: (options?: DownloadOptions) => Promise<TrainTestData<tf.Tensor4D, tf.Tensor2D>>;
  /** The ten classes, index = label. */
  classNames: readonly string[];
} = { loadData, classNames: CLASS_NAMES };
