/**
 * `mnist`: the MNIST handwritten digits, as `keras.datasets.mnist`.
 *
 * @module
 */
import type { tf } from "../../engine/tf.ts";
import { type DownloadOptions, downloadOptions } from "./_files.ts";
import { fileBytes, int32Tensor, KERAS_ORIGIN } from "./_load.ts";
import { npzMember, readNpy, readNpz } from "./_npy.ts";
import type { TrainTestData } from "./standard_dataset.ts";

const NPZ = {
  name: "mnist.npz",
  url: `${KERAS_ORIGIN}mnist.npz`,
  hash: "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
  algorithm: "sha256",
} as const;

/**
 * Loads MNIST (LeCun, Cortes & Burges): 60,000 training and 10,000 test
 * grey images of handwritten digits, 28x28 pixels, from Keras's `mnist.npz`
 * (SHA-256 checked), downloaded once into `$KERNO_HOME/datasets`
 * (`KERNO_HOME` defaults to `~/.kerno`); `{ path }` reads a copy already on
 * disk. License: CC BY-SA 3.0 (Yann LeCun and Corinna Cortes).
 *
 * Keras returns uint8 arrays; TensorFlow.js has no uint8 dtype, so the
 * pixels come as int32 values 0..255 (divide by 255 for a float input).
 *
 * @param options `path`, `cacheDir`, `verbose`, `fetch`; see `DownloadOptions`.
 * @returns `[[xTrain, yTrain], [xTest, yTest]]`: `x` int32 `[n, 28, 28]`
 *   (0..255), `y` int32 `[n]` (0..9).
 * @example
 * ```ts ignore
 * import { datasets } from "../../mod.ts";
 * const [[xTrain, yTrain], [xTest, yTest]] = await datasets.mnist.loadData();
 * console.log(xTrain.shape, yTest.shape); // [60000, 28, 28] [10000]
 * ```
 */
async function loadData(
  options: DownloadOptions = {},
): Promise<TrainTestData<tf.Tensor3D, tf.Tensor1D>> {
  const dl = downloadOptions("load mnist", options);
  const { bytes, path } = await fileBytes("mnist", NPZ, dl);
  const npz = readNpz(bytes, path);
  const arrays = ["x_train", "y_train", "x_test", "y_test"].map((key) =>
    readNpy(npzMember(npz, key, path), `${path}:${key}`)
  );
  const [xTrain, yTrain, xTest, yTest] = arrays.map((a) => int32Tensor(a.values, a.shape));
  return [
    [xTrain as tf.Tensor3D, yTrain as tf.Tensor1D],
    [xTest as tf.Tensor3D, yTest as tf.Tensor1D],
  ];
}

/** The MNIST digits (`keras.datasets.mnist`). */
export const mnist: {
  /** Loads the digits; see the function's documentation. */
  loadData: (options?: DownloadOptions) => Promise<TrainTestData<tf.Tensor3D, tf.Tensor1D>>;
} = { loadData };
