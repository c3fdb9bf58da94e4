/**
 * `textDatasetFromDirectory`: Keras's `keras.utils.text_dataset_from_directory`,
 * a streaming {@linkcode Dataset} of texts read from a folder of `.txt`
 * files with one subfolder per class.
 *
 * @module
 */
import { Dataset } from "../engine/dataset.ts";
import { checkOptions } from "../engine/options.ts";
import type { tf } from "../engine/tf.ts";
import { positiveInt, reject } from "../engine/validate.ts";
import {
  type CheckedFolderOptions,
  checkFolderOptions,
  type DirectoryIndex,
  encodeLabel,
  type FolderOptions,
  indexDirectory,
  splitSamples,
} from "./_directory_index.ts";
import type { DirectoryDataset } from "./image_dataset.ts";

/** The options of {@linkcode textDatasetFromDirectory}, Keras's in camelCase. */
export interface TextDatasetOptions {
  /**
   * `"inferred"`: labels from the subfolders (sorted by name); an array:
   * one integer label per file in the order of the sorted file paths;
   * `null`: no labels (elements are the texts alone).
   * @default "inferred"
   */
  labels?: "inferred" | readonly number[] | null;
  /**
   * `"int"`: int32 `[batch]`; `"categorical"`: float32 one-hot
   * `[batch, classes]`; `"binary"`: float32 `[batch, 1]` (two classes);
   * `null`: no labels.
   * @default "int"
   */
  labelMode?: "int" | "categorical" | "binary" | null;
  /**
   * With `labels: "inferred"`, the subfolders to read, in label order.
   * @default all subfolders, sorted
   */
  classNames?: readonly string[] | null;
  /**
   * Texts per batch; `null` for single texts.
   * @default 32
   */
  batchSize?: number | null;
  /**
   * Longest text kept, in UTF-8 bytes as TensorFlow's `substr` counts
   * (a character cut in two is dropped whole).
   * @default no limit
   */
  maxLength?: number | null;
  /**
   * Whether to shuffle: the file list once with `seed` (Keras's order),
   * then a buffer of `8 · batchSize` (1024 unbatched) every epoch.
   * @default true
   */
  shuffle?: boolean;
  /**
   * Seed for the shuffles, an integer in `[0, 2^32)`; required with
   * `validationSplit` when shuffling.
   * @default drawn at random
   */
  seed?: number;
  /**
   * Fraction of the files kept for validation, in `(0, 1)`; needs `subset`.
   * @default none
   */
  validationSplit?: number;
  /**
   * `"training"`, `"validation"` or `"both"` (a pair is returned).
   * @default none
   */
  subset?: "training" | "validation" | "both";
  /**
   * Whether to enter subfolders that are symbolic links.
   * @default false
   */
  followLinks?: boolean;
  /**
   * Whether to print "Found N files belonging to C classes." and the split.
   * @default true
   */
  verbose?: boolean;
}

const KEYS = [
  "labels",
  "labelMode",
  "classNames",
  "batchSize",
  "maxLength",
  "shuffle",
  "seed",
  "validationSplit",
  "subset",
  "followLinks",
  "verbose",
] as const;

const WHAT = "read texts with textDatasetFromDirectory";

/**
 * Reads a folder of `.txt` files as a {@linkcode Dataset} of string
 * tensors `[batch]` with their labels, as Keras's
 * `text_dataset_from_directory`: subfolder `i` in sorted order holds the
 * texts of class `i`. Files are listed and (with a seed) shuffled in
 * Keras's order, so a split selects the same files as Keras; each file is
 * read as UTF-8 when the dataset reaches it. Elements are
 * `[texts, labels]` (the texts alone without labels). The result carries
 * `classNames` and `filePaths`.
 *
 * @example
 * ```ts ignore
 * import { textDatasetFromDirectory } from "./text_dataset.ts";
 * const train = await textDatasetFromDirectory("aclImdb/train", {
 *   classNames: ["neg", "pos"], validationSplit: 0.2, subset: "training", seed: 42,
 * });
 * for await (const [texts, labels] of train.take(1)) texts.print();
 * ```
 * @param directory The folder.
 * @param options See {@linkcode TextDatasetOptions}.
 * @returns The dataset, or `[training, validation]` with `subset: "both"`.
 * @throws RangeError for a folder without class subfolders (labels
 *   inferred), a labels array of the wrong length, no files; TypeError
 *   for bad options.
 */
export function textDatasetFromDirectory(
  directory: string,
  options: TextDatasetOptions & { subset: "both" },
): Promise<[DirectoryDataset, DirectoryDataset]>;
/**
 * Reads one dataset (no `subset`, or `"training"`/`"validation"`); see the
 * overload above for the whole description.
 *
 * @param directory The folder.
 * @param options See {@linkcode TextDatasetOptions}.
 * @returns The dataset.
 */
export function textDatasetFromDirectory(
  directory: string,
  options?: TextDatasetOptions,
): Promise<DirectoryDataset>;
export async function textDatasetFromDirectory(
  directory: string,
  options: TextDatasetOptions = {},
): Promise<DirectoryDataset | [DirectoryDataset, DirectoryDataset]> {
  if (typeof directory !== "string" || directory === "") {
    reject(WHAT, "directory", directory, "a folder's path");
  }
  options = checkOptions(WHAT, options, KEYS);
  const o = checkFolderOptions(WHAT, options as FolderOptions);
  const maxLength = options.maxLength === undefined || options.maxLength === null
    ? null
    : positiveInt(WHAT, "maxLength", options.maxLength);
  const index = await indexDirectory(WHAT, { ...o, directory, formats: [".txt"] });
  if (o.labelMode === "binary" && index.classNames!.length !== 2) {
    throw new RangeError(
      `Cannot ${WHAT} as labelMode "binary" needs exactly 2 classes: found ${
        JSON.stringify(index.classNames)
      }; use labelMode "categorical" or "int" for more`,
    );
  }
  if (o.subset === "both") {
    return [
      part(directory, index, o, maxLength, "training", o.shuffle),
      part(directory, index, o, maxLength, "validation", false),
    ];
  }
  return part(directory, index, o, maxLength, o.subset, o.shuffle);
}

function part(
  directory: string,
  index: DirectoryIndex,
  o: CheckedFolderOptions,
  maxLength: number | null,
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
      `Cannot ${WHAT} as no ${subset ?? ""}${subset ? " " : ""}text files were found in ${
        JSON.stringify(directory)
      }: the file ending read is .txt`,
    );
  }
  let ds = Dataset.fromGenerator(function* (): Generator<[string, number]> {
    for (let i = 0; i < paths.length; i++) yield [paths[i], labels === null ? -1 : labels[i]];
  });
  if (shuffle) ds = ds.shuffle(o.batchSize === null ? 1024 : o.batchSize * 8, { seed: o.seed });
  const read = ds.map(async ([path, label]): Promise<[string, number]> => [
    await readText(path, maxLength),
    label,
  ]);
  const numClasses = index.classNames?.length ?? 0;
  const mode = o.labelMode;
  const texts = mode === null
    ? read.map(([text]) => text)
    : read.map(([text, label]) => [text, encodeLabel(label, mode, numClasses)]);
  const out = o.batchSize === null ? texts : texts.batch(o.batchSize);
  return Object.assign(out as unknown as Dataset<[tf.Tensor, tf.Tensor]>, {
    classNames: index.classNames === null ? null : [...index.classNames],
    filePaths: paths,
  });
}

/** A file's text, cut to `maxLength` UTF-8 bytes without splitting a character. */
async function readText(path: string, maxLength: number | null): Promise<string> {
  let bytes = await Deno.readFile(path);
  if (maxLength !== null && bytes.length > maxLength) {
    let end = maxLength;
    while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--; // a continuation byte: back to the start
    bytes = bytes.subarray(0, end);
  }
  return new TextDecoder().decode(bytes);
}
