/**
 * `fashionMnist`: Zalando's Fashion-MNIST, as `keras.datasets.fashion_mnist`.
 *
 * @module
 */
import type { tf } from "../../engine/tf.ts";
import { gunzip, readIdx } from "./_archives.ts";
import { type DownloadOptions, downloadOptions, type RemoteFile } from "./_files.ts";
import { fileBytes, int32Tensor, KERAS_ORIGIN } from "./_load.ts";
import type { TrainTestData } from "./standard_dataset.ts";

/** The four files, their MD5 as Zalando publishes them (Keras pins none). */
const FILES: Record<string, string> = {
  "train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
  "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
  "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
  "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310",
};

/** The ten classes, index = label. */
const CLASS_NAMES: readonly string[] = [
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
];

/**
 * Loads Fashion-MNIST (Xiao, Rasul & Vollgraf, 2017): 60,000 training and
 * 10,000 test grey 28x28 images of ten kinds of clothing, from the four gzip
 * IDX files Keras downloads (each checked against Zalando's MD5), cached in
 * `$KERNO_HOME/datasets/fashion-mnist/`; `{ path }` names a folder holding
 * the four `.gz` files. License: MIT (Zalando SE).
 *
 * @param options `path` (a folder), `cacheDir`, `verbose`, `fetch`.
 * @returns `[[xTrain, yTrain], [xTest, yTest]]`: `x` int32 `[n, 28, 28]`
 *   (0..255; Keras's uint8), `y` int32 `[n]` (0..9, see `classNames`).
 * @example
 * ```ts ignore
 * import { datasets } from "../../mod.ts";
 * const [[xTrain]] = await datasets.fashionMnist.loadData();
 * console.log(xTrain.shape); // [60000, 28, 28]
 * ```
 */
async function loadData(
  options: DownloadOptions = {},
): Promise<TrainTestData<tf.Tensor3D, tf.Tensor1D>> {
  const dl = downloadOptions("load fashionMnist", options);
  const names = Object.keys(FILES);
  const arrays = [];
  for (const name of names) {
    const file: RemoteFile = {
      name: `fashion-mnist/${name}`,
      url: KERAS_ORIGIN + name,
      hash: FILES[name],
      algorithm: "md5",
    };
    const { bytes, path } = await fileBytes("fashionMnist", file, dl, true);
    arrays.push(readIdx(gunzip(bytes, path), path));
  }
  const [xTrain, yTrain, xTest, yTest] = arrays.map((a) => int32Tensor(a.values, a.shape));
  return [
    [xTrain as tf.Tensor3D, yTrain as tf.Tensor1D],
    [xTest as tf.Tensor3D, yTest as tf.Tensor1D],
  ];
}

/** Fashion-MNIST (`keras.datasets.fashion_mnist`): `loadData` and the class names. */
export const fashionMnist: {
  /** Loads the images; see the function's documentation. */
  loadData: (options?: DownloadOptions) => Promise<TrainTestData<tf.Tensor3D, tf.Tensor1D>>;
  /** The ten classes, index = label. */
  classNames: readonly string[];
} = { loadData, classNames: CLASS_NAMES };
