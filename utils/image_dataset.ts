/**
 * `imageDatasetFromDirectory`: Keras's `keras.utils.image_dataset_from_directory`,
 * a streaming {@linkcode Dataset} of images decoded from a folder with one
 * subfolder per class.
 *
 * @module
 */
import { Dataset } from "../engine/dataset.ts";
import { fused } from "../engine/fused.ts";
import { checkOptions } from "../engine/options.ts";
import { RESIZE_METHODS, type ResizeMethod } from "../engine/_image_ops.ts";
import { tf } from "../engine/tf.ts";
import { boolean, oneOf, positiveInt, reject } from "../engine/validate.ts";
import { aspectWindow } from "../layers/_image_layer.ts";
import {
  type CheckedFolderOptions,
  checkFolderOptions,
  type DirectoryIndex,
  encodeLabel,
  type FolderOptions,
  indexDirectory,
  splitSamples,
} from "./_directory_index.ts";
import { loadImage, type LoadRequest } from "./_image_decode.ts";

/**
 * A dataset read from a folder, with what Keras attaches to it: the class
 * names (`class_names`) and the files in the dataset's order before its
 * per-epoch shuffle (`file_paths`). Operations on it (`map`, `prefetch`, …)
 * return plain datasets, as in Keras.
 */
export type DirectoryDataset<T = [tf.Tensor, tf.Tensor]> = Dataset<T> & {
  /** The class names, index `i` for label `i`; `null` without labels. */
  readonly classNames: string[] | null;
  /** The files, in order (`directory/class/name`). */
  readonly filePaths: string[];
};

/** The options of {@linkcode imageDatasetFromDirectory}, Keras's in camelCase. */
export interface ImageDatasetOptions {
  /**
   * `"inferred"`: labels from the subfolders (one per class, sorted by
   * name); an array: one integer label per file, in the order of the
   * sorted file paths; `null`: no labels (elements are the images alone).
   * @default "inferred"
   */
  labels?: "inferred" | readonly number[] | null;
  /**
   * `"int"`: int32 labels `[batch]`; `"categorical"`: float32 one-hot
   * `[batch, classes]`; `"binary"`: float32 `[batch, 1]` (two classes
   * only); `null`: no labels.
   * @default "int"
   */
  labelMode?: "int" | "categorical" | "binary" | null;
  /**
   * With `labels: "inferred"`, the subfolders to read, in the order that
   * gives their labels (a subset of the subfolders).
   * @default all subfolders, sorted
   */
  classNames?: readonly string[] | null;
  /**
   * `"grayscale"` (1 channel), `"rgb"` (3) or `"rgba"` (4).
   * @default "rgb"
   */
  colorMode?: "grayscale" | "rgb" | "rgba";
  /**
   * Images per batch; `null` for single images.
   * @default 32
   */
  batchSize?: number | null;
  /**
   * `[height, width]` (or one number for both) every image is resized to.
   * @default [256, 256]
   */
  imageSize?: readonly [number, number] | number;
  /**
   * Whether to shuffle: the file list once with `seed` (as Keras, so the
   * split is Keras's), then a buffer of `8 · batchSize` (1024 unbatched)
   * anew every epoch.
   * @default true
   */
  shuffle?: boolean;
  /**
   * Seed for the shuffles; required with `validationSplit` when shuffling.
   * An integer in `[0, 2^32)`.
   * @default drawn at random
   */
  seed?: number;
  /**
   * Fraction of the files (the last ones after the seeded shuffle) kept for
   * validation, in `(0, 1)`; needs `subset`.
   * @default none
   */
  validationSplit?: number;
  /**
   * `"training"`, `"validation"`, or `"both"` (then a pair
   * `[training, validation]` is returned); needs `validationSplit`.
   * @default none
   */
  subset?: "training" | "validation" | "both";
  /**
   * Resize interpolation: `"bilinear"`, `"nearest"`, `"bicubic"`, `"area"`,
   * `"lanczos3"`, `"lanczos5"` (TensorFlow's, through kerno's `resizeImages`).
   * @default "bilinear"
   */
  interpolation?: ResizeMethod;
  /**
   * Whether to enter subfolders that are symbolic links.
   * @default false
   */
  followLinks?: boolean;
  /**
   * Whether to crop each image to the target's aspect ratio (the largest
   * centred window) before resizing, instead of stretching it.
   * @default false
   */
  cropToAspectRatio?: boolean;
  /**
   * Whether to print "Found N files belonging to C classes." and the split.
   * @default true
   */
  verbose?: boolean;
  /**
   * kerno's: how many Web Workers read and decode files at once (Keras
   * lets tf.data pick); 1 decodes in this thread.
   * @default navigator.hardwareConcurrency (at most 8)
   */
  numParallelCalls?: number;
}

const KEYS = [
  "labels",
  "labelMode",
  "classNames",
  "colorMode",
  "batchSize",
  "imageSize",
  "shuffle",
  "seed",
  "validationSplit",
  "subset",
  "interpolation",
  "followLinks",
  "cropToAspectRatio",
  "verbose",
  "numParallelCalls",
] as const;

/** The file endings read (Keras's list). */
const FORMATS = [".bmp", ".gif", ".jpeg", ".jpg", ".png"] as const;

const WHAT = "read images with imageDatasetFromDirectory";

/** How each image is made. */
interface ImagePlan {
  height: number;
  width: number;
  channels: number;
  interpolation: ResizeMethod;
  crop: boolean;
  workers: number;
}

/**
 * Reads a folder of images as a {@linkcode Dataset} of float32 batches
 * `[batch, height, width, channels]` (values 0–255, as Keras) with their
 * labels, as Keras's `image_dataset_from_directory`:
 *
 * ```
 * photos/
 *   cats/  a.jpg b.png …
 *   dogs/  c.jpg …
 * ```
 *
 * gives labels 0 (cats) and 1 (dogs). Files are listed in Keras's order
 * (class folders sorted, files sorted, walked recursively) and, when
 * shuffling, shuffled with the seed exactly as Keras does, so
 * `validationSplit` + `subset` + `seed` select the same files as Keras.
 * PNG (every bit depth and colour type), JPEG (baseline, progressive), GIF
 * (first frame) and uncompressed 24/32-bit BMP are decoded, told apart by
 * their first bytes. Files are read and decoded in Web Workers
 * (`numParallelCalls`), then resized in this thread through kerno's
 * `resizeImages`. Elements are `[images, labels]` (the images alone with
 * `labels: null` or `labelMode: null`).
 *
 * The result carries `classNames` and `filePaths`, as Keras's
 * `class_names` and `file_paths`. Prints "Found N files belonging to C
 * classes." (and "Using K files for training.") unless `verbose: false`.
 *
 * @example
 * ```ts ignore
 * import { imageDatasetFromDirectory } from "./image_dataset.ts";
 * const [train, val] = await imageDatasetFromDirectory("photos/", {
 *   imageSize: [180, 180], validationSplit: 0.2, subset: "both", seed: 1337,
 * });
 * console.log(train.classNames); // ["cats", "dogs"]
 * // await model.fit(train.prefetch(2), undefined, { epochs: 10, validationData: val });
 * ```
 * @param directory The folder.
 * @param options See {@linkcode ImageDatasetOptions}.
 * @returns The dataset, or `[training, validation]` with `subset: "both"`.
 * @throws RangeError for a folder without class subfolders (labels
 *   inferred), a labels array of the wrong length, no files; TypeError
 *   for bad options. A file that does not decode fails the iteration with
 *   its path named.
 */
export function imageDatasetFromDirectory(
  directory: string,
  options: ImageDatasetOptions & { subset: "both" },
): Promise<[DirectoryDataset, DirectoryDataset]>;
/**
 * Reads one dataset (no `subset`, or `"training"`/`"validation"`); see the
 * overload above for the whole description.
 *
 * @param directory The folder.
 * @param options See {@linkcode ImageDatasetOptions}.
 * @returns The dataset.
 */
export function imageDatasetFromDirectory(
  directory: string,
  options?: ImageDatasetOptions,
): Promise<DirectoryDataset>;
export async function imageDatasetFromDirectory(
  directory: string,
  options: ImageDatasetOptions = {},
): Promise<DirectoryDataset | [DirectoryDataset, DirectoryDataset]> {
  if (typeof directory !== "string" || directory === "") {
    reject(WHAT, "directory", directory, "a folder's path");
  }
  options = checkOptions(WHAT, options, KEYS);
  const o = checkFolderOptions(WHAT, options as FolderOptions);
  const plan = checkImageOptions(options);
  const index = await indexDirectory(WHAT, { ...o, directory, formats: FORMATS });
  if (o.labelMode === "binary" && index.classNames!.length !== 2) {
    throw new RangeError(
      `Cannot ${WHAT} as labelMode "binary" needs exactly 2 classes: found ${
        JSON.stringify(index.classNames)
      }; use labelMode "categorical" or "int" for more`,
    );
  }
  if (o.subset === "both") {
    return [
      part(directory, index, o, plan, "training", o.shuffle),
      part(directory, index, o, plan, "validation", false),
    ];
  }
  return part(directory, index, o, plan, o.subset, o.shuffle);
}

function checkImageOptions(options: ImageDatasetOptions): ImagePlan {
  const colorMode = oneOf(WHAT, "colorMode", options.colorMode ?? "rgb", [
    "grayscale",
    "rgb",
    "rgba",
  ]);
  const size = options.imageSize ?? [256, 256];
  let height: number, width: number;
  if (typeof size === "number") {
    height = width = positiveInt(WHAT, "imageSize", size);
  } else if (Array.isArray(size) && size.length === 2) {
    height = positiveInt(WHAT, "imageSize[0]", size[0]);
    width = positiveInt(WHAT, "imageSize[1]", size[1]);
  } else {
    reject(WHAT, "imageSize", size, "[height, width], two positive integers");
  }
  const auto = Math.max(1, Math.min(8, navigator.hardwareConcurrency || 1));
  return {
    height,
    width,
    channels: colorMode === "grayscale" ? 1 : colorMode === "rgb" ? 3 : 4,
    interpolation: oneOf(
      WHAT,
      "interpolation",
      options.interpolation ?? "bilinear",
      RESIZE_METHODS,
    ),
    crop: boolean(WHAT, "cropToAspectRatio", options.cropToAspectRatio, false),
    workers: options.numParallelCalls === undefined
      ? auto
      : positiveInt(WHAT, "numParallelCalls", options.numParallelCalls),
  };
}

/** One subset as a dataset. */
function part(
  directory: string,
  index: DirectoryIndex,
  o: CheckedFolderOptions,
  plan: ImagePlan,
  subset: "training" | "validation" | undefined,
  shuffle: boolean,
): DirectoryDataset {
  const [paths, labels] = splitSamples(
    index.paths,
    index.labels,
    o.validationSplit,
    subset,
    o.verbose,
  );
  if (paths.length === 0) {
    throw new RangeError(
      `Cannot ${WHAT} as no ${subset ?? ""}${subset ? " " : ""}images were found in ${
        JSON.stringify(directory)
      }: the file endings read are ${FORMATS.join(", ")}`,
    );
  }
  const module = new URL("./_image_decode.ts", import.meta.url).href;
  const requests = paths.map((path, i): [LoadRequest & { module: string }, number] => [
    { path, channels: plan.channels, module },
    labels === null ? -1 : labels[i],
  ]);
  let ds = Dataset.fromGenerator(
    function* (): Generator<[LoadRequest & { module: string }, number]> {
      for (const [request, label] of requests) yield [{ ...request }, label];
    },
  );
  if (shuffle) ds = ds.shuffle(o.batchSize === null ? 1024 : o.batchSize * 8, { seed: o.seed });
  const decoded = plan.workers > 1
    ? ds.map(decodeFile, { numParallelCalls: plan.workers })
    : ds.map(async ([request, label]): Promise<[Uint8Array, number, number, number]> => {
      const image = await loadImage(request);
      return [image.data, image.height, image.width, label];
    });
  const numClasses = index.classNames?.length ?? 0;
  const mode = o.labelMode;
  const images = decoded.map(([data, h, w, label]) => {
    const image = toImage(data, h, w, plan);
    return mode === null ? image : [image, encodeLabel(label, mode, numClasses)];
  });
  const out = o.batchSize === null ? images : images.batch(o.batchSize);
  return Object.assign(out as unknown as Dataset<[tf.Tensor, tf.Tensor]>, {
    classNames: index.classNames === null ? null : [...index.classNames],
    filePaths: paths,
  });
}

/**
 * Reads and decodes one file. Runs in Web Workers, so it uses only its
 * argument: the decoding module's address travels with each request.
 */
async function decodeFile(
  element: [LoadRequest & { module: string }, number],
): Promise<[Uint8Array, number, number, number]> {
  const [request, label] = element;
  const { loadImage } = await import(request.module);
  const image = await loadImage(request);
  return [image.data, image.height, image.width, label];
}

/** Pixels to a float32 `[height, width, channels]` image of the planned size. */
function toImage(data: Uint8Array, h: number, w: number, plan: ImagePlan): tf.Tensor3D {
  let x: tf.Tensor4D = tf.tensor4d(Float32Array.from(data), [1, h, w, plan.channels]);
  if (plan.crop) x = aspectWindow(x, plan.height, plan.width);
  if (x.shape[1] !== plan.height || x.shape[2] !== plan.width) {
    x = fused.resizeImages(x, [plan.height, plan.width], plan.interpolation);
  }
  return tf.reshape(x, [plan.height, plan.width, plan.channels]);
}
