/**
 * `cifar100`: CIFAR-100, as `keras.datasets.cifar100`.
 *
 * @module
 */
import { tf } from "../../engine/tf.ts";
import { oneOf } from "../../engine/validate.ts";
import { type DownloadOptions, downloadOptions } from "./_files.ts";
import { fileBytes } from "./_load.ts";
import { cifarMembers, cifarRecords } from "./_cifar.ts";
import type { TrainTestData } from "./standard_dataset.ts";

/** Options of `cifar100.loadData`. */
export interface Cifar100Options extends DownloadOptions {
  /** `"fine"`: the 100 classes; `"coarse"`: the 20 superclasses. @default "fine" */
  labelMode?: "fine" | "coarse";
}

const ARCHIVE = {
  name: "cifar-100-binary.tar.gz",
  url: "https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz",
  hash: "03b5dce01913d631647c71ecec9e9cb8",
  algorithm: "md5",
} as const;

/**
 * Loads CIFAR-100 (Krizhevsky, 2009): 50,000 training and 10,000 test colour
 * images of 32x32 pixels, each with a fine label (100 classes) and a coarse
 * one (20 superclasses). As for `cifar10`, kerno reads the publisher's
 * binary version (`cifar-100-binary.tar.gz`, MD5 from the CIFAR page)
 * rather than Keras's pickled one; cached in `$KERNO_HOME/datasets`.
 *
 * @param options `labelMode`, `path`, `cacheDir`, `verbose`, `fetch`.
 * @returns `[[xTrain, yTrain], [xTest, yTest]]`: `x` int32
 *   `[n, 32, 32, 3]` channels last (0..255), `y` int32 `[n, 1]`
 *   (0..99 fine, 0..19 coarse).
 * @example
 * ```ts ignore
 * import { datasets } from "../../mod.ts";
 * const [[, yTrain]] = await datasets.cifar100.loadData({ labelMode: "coarse" });
 * console.log(yTrain.shape); // [50000, 1]
 * ```
 */
async function loadData(
  options: Cifar100Options = {},
): Promise<TrainTestData<tf.Tensor4D, tf.Tensor2D>> {
  const what = "load cifar100";
  const dl = downloadOptions(what, options, ["labelMode"]);
  const labelMode = oneOf(
    what,
    "labelMode",
    options.labelMode ?? "fine",
    ["fine", "coarse"] as const,
  );
  const { bytes, path } = await fileBytes("cifar100", ARCHIVE, dl);
  const members = cifarMembers(
    bytes,
    ["cifar-100-binary/train.bin", "cifar-100-binary/test.bin"],
    path,
  );
  const labelIndex = labelMode === "coarse" ? 0 : 1;
  const tensors = (file: Uint8Array): [tf.Tensor4D, tf.Tensor2D] => {
    const { x, y } = cifarRecords([file], 2, labelIndex, path);
    return [tf.tensor4d(x, [y.length, 32, 32, 3], "int32"), tf.tensor2d(y, [y.length, 1], "int32")];
  };
  return [tensors(members[0]), tensors(members[1])];
}

/** CIFAR-100 (`keras.datasets.cifar100`). */
export const cifar100: {
  /** Loads the images; see `Cifar100Options`. */
  loadData: (options?: Cifar100Options) => Promise<TrainTestData<tf.Tensor4D, tf.Tensor2D>>;
} = { loadData };
