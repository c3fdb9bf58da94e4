/**
 * Internal: listing a folder of files with their labels, and the
 * training/validation split, shared by `imageDatasetFromDirectory` and
 * `textDatasetFromDirectory` — Keras's `index_directory`,
 * `get_training_or_validation_split` and `check_validation_split_arg`.
 *
 * The order is Keras's: class folders sorted by name (or as `classNames`
 * gives them), and in each, files sorted by folder path then name, walked
 * recursively; then, when shuffling, the list is shuffled as
 * `np.random.RandomState(seed).shuffle` does, so a seed gives Keras's order.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { boolean, integer, oneOf, positiveInt, reject, show } from "../engine/validate.ts";
import { drawSeed, numpyShuffle } from "./_seeded_shuffle.ts";

/** How the labels are given: from subfolders, explicitly (one per file, in order), or none. */
export type LabelsSource = "inferred" | readonly number[] | null;

/** The files found, in order, with their labels and the class names. */
export interface DirectoryIndex {
  /** The files' paths, `directory/class/…/name`. */
  paths: string[];
  /** One label per file (`null` without labels). */
  labels: number[] | null;
  /** The class names (`null` without labels). */
  classNames: string[] | null;
}

/** What {@link indexDirectory} needs. */
export interface IndexRequest {
  directory: string;
  labels: LabelsSource;
  /** File name endings, lower case (`".png"`). */
  formats: readonly string[];
  classNames: readonly string[] | null;
  shuffle: boolean;
  seed: number;
  followLinks: boolean;
  verbose: boolean;
}

/**
 * Lists the files of a folder, with labels, as Keras's `index_directory`.
 *
 * @param what What was being done (for messages).
 * @param r The request.
 * @returns The files, labels and class names.
 */
export async function indexDirectory(what: string, r: IndexRequest): Promise<DirectoryIndex> {
  const root = r.directory.replace(/\/+$/, "") || "/";
  await mustBeFolder(what, r.directory);
  let subdirs = [""];
  if (r.labels === "inferred") {
    subdirs = await classFolders(root);
    if (subdirs.length === 0) {
      const loose = (await walk(root, r.followLinks, r.formats)).length;
      throw new RangeError(
        `Cannot ${what} as "directory" (${
          show(r.directory)
        }) holds no class subfolders while "labels" is "inferred" (${loose} matching file${
          loose === 1 ? "" : "s"
        } lie directly in it): put each class's files in a subfolder named after the class (${root}/class_a/…, ${root}/class_b/…), or pass labels: null for unlabelled files`,
      );
    }
    if (r.classNames !== null) {
      const missing = r.classNames.filter((c) => !subdirs.includes(c));
      if (missing.length > 0) {
        throw new RangeError(
          `Cannot ${what} as "classNames" must name subfolders of ${show(r.directory)} (${
            show(subdirs)
          }, or some of them): received ${show(r.classNames)}`,
        );
      }
      subdirs = [...r.classNames];
    }
  }
  const paths: string[] = [];
  let labels: number[] = [];
  for (let c = 0; c < subdirs.length; c++) {
    const folder = subdirs[c] === "" ? root : `${root}/${subdirs[c]}`;
    for (const rel of await walk(folder, r.followLinks, r.formats)) {
      paths.push(`${folder}/${rel}`);
      labels.push(c);
    }
  }
  let classNames: string[] | null = subdirs;
  if (r.labels === null) {
    classNames = null;
  } else if (r.labels !== "inferred") {
    if (r.labels.length !== paths.length) {
      throw new RangeError(
        `Cannot ${what} as "labels" must hold one label per file: received ${r.labels.length} labels, while ${paths.length} files were found in ${
          show(r.directory)
        }`,
      );
    }
    labels = [...r.labels];
    classNames = [...new Set(labels)].sort((a, b) => a - b).map(String);
  }
  if (r.verbose) {
    console.log(
      classNames === null
        ? `Found ${paths.length} files.`
        : `Found ${paths.length} files belonging to ${classNames.length} classes.`,
    );
  }
  if (r.shuffle) {
    numpyShuffle(paths, r.seed);
    numpyShuffle(labels, r.seed);
  }
  return { paths, labels: classNames === null ? null : labels, classNames };
}

async function mustBeFolder(what: string, directory: string): Promise<void> {
  let info: Deno.FileInfo | null = null;
  try {
    info = await Deno.stat(directory);
  } catch {
    // reported below
  }
  if (info === null || !info.isDirectory) {
    reject(
      what,
      "directory",
      directory,
      info === null ? "an existing folder" : "a folder, not a file",
    );
  }
}

/** Subfolders not starting with ".", sorted (links to folders count). */
async function classFolders(root: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(root)) {
    if (entry.name.startsWith(".")) continue;
    if (entry.isDirectory || (entry.isSymlink && await isFolder(`${root}/${entry.name}`))) {
      names.push(entry.name);
    }
  }
  return names.sort(byCodePoint);
}

async function isFolder(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch {
    return false;
  }
}

/**
 * The matching files under `folder`, as paths relative to it: folders
 * sorted by path, files by name in each (Python's `sorted(os.walk(…))`).
 * Links to folders are followed only with `followLinks`.
 */
async function walk(
  folder: string,
  followLinks: boolean,
  formats: readonly string[],
): Promise<string[]> {
  const groups: { dir: string; files: string[] }[] = [];
  const pending = [""];
  while (pending.length > 0) {
    const rel = pending.pop()!;
    const here = rel === "" ? folder : `${folder}/${rel}`;
    const files: string[] = [];
    for await (const entry of Deno.readDir(here)) {
      const child = rel === "" ? entry.name : `${rel}/${entry.name}`;
      let isDir = entry.isDirectory;
      let isFile = entry.isFile;
      if (entry.isSymlink) {
        isDir = await isFolder(`${here}/${entry.name}`);
        isFile = !isDir;
        if (isDir && !followLinks) continue;
      }
      if (isDir) pending.push(child);
      else if (isFile && formats.some((f) => entry.name.toLowerCase().endsWith(f))) {
        files.push(entry.name);
      }
    }
    groups.push({ dir: here, files: files.sort(byCodePoint) });
  }
  groups.sort((a, b) => byCodePoint(a.dir, b.dir));
  const out: string[] = [];
  for (const g of groups) {
    const prefix = g.dir === folder ? "" : g.dir.slice(folder.length + 1) + "/";
    for (const f of g.files) out.push(prefix + f);
  }
  return out;
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Keras's checks of `validationSplit`, `subset`, `shuffle` and `seed`
 * together.
 *
 * @param what What was being done.
 * @param validationSplit The fraction for validation, or undefined.
 * @param subset The subset asked for, or undefined.
 * @param shuffle Whether the files are shuffled.
 * @param seedGiven Whether a seed was given.
 */
export function checkSplitOptions(
  what: string,
  validationSplit: number | undefined,
  subset: string | undefined,
  shuffle: boolean,
  seedGiven: boolean,
): void {
  if (validationSplit !== undefined) {
    if (typeof validationSplit !== "number" || Number.isNaN(validationSplit)) {
      reject(what, "validationSplit", validationSplit, "a number in (0, 1)");
    }
    if (!(validationSplit > 0 && validationSplit < 1)) {
      reject(what, "validationSplit", validationSplit, "a number in (0, 1)", RangeError);
    }
  }
  if (subset !== undefined && !["training", "validation", "both"].includes(subset)) {
    reject(what, "subset", subset, 'one of "training", "validation", "both"', RangeError);
  }
  if ((validationSplit === undefined) !== (subset === undefined)) {
    throw new TypeError(
      `Cannot ${what} as "validationSplit" and "subset" go together: received validationSplit ${
        show(validationSplit)
      } and subset ${
        show(subset)
      }; pass both (e.g. validationSplit: 0.2, subset: "training") or neither`,
    );
  }
  if (validationSplit !== undefined && shuffle && !seedGiven) {
    throw new TypeError(
      `Cannot ${what} as "seed" must be given with "validationSplit" while shuffling: received no seed; pass the same seed for the training and the validation subsets so that they do not overlap`,
    );
  }
}

/**
 * The training or validation part of `samples` (Keras's
 * `get_training_or_validation_split`): the last `⌊split · n⌋` for
 * validation, the rest for training; prints how many are used.
 *
 * @param samples The files.
 * @param labels Their labels, or null.
 * @param validationSplit The fraction, or undefined for all.
 * @param subset `"training"` or `"validation"`.
 * @param verbose Whether to print the count.
 * @returns The part, as `[samples, labels]`.
 */
export function splitSamples(
  samples: string[],
  labels: number[] | null,
  validationSplit: number | undefined,
  subset: "training" | "validation" | undefined,
  verbose: boolean,
): [string[], number[] | null] {
  if (!validationSplit) return [samples, labels];
  const numVal = Math.trunc(validationSplit * samples.length);
  const numTrain = samples.length - numVal;
  if (verbose) {
    console.log(
      subset === "training"
        ? `Using ${numTrain} files for training.`
        : `Using ${numVal} files for validation.`,
    );
  }
  const [from, to] = subset === "training" ? [0, numTrain] : [numTrain, samples.length];
  return [samples.slice(from, to), labels === null ? null : labels.slice(from, to)];
}

/** How labels are encoded (Keras's `label_mode`). */
export type LabelMode = "int" | "categorical" | "binary";

/**
 * One label as Keras encodes it: `"int"` an int32 scalar, `"categorical"`
 * a float32 one-hot vector of `numClasses`, `"binary"` a float32 vector of
 * one value.
 *
 * @param label The class index.
 * @param mode The encoding.
 * @param numClasses The number of classes.
 * @returns A new tensor.
 */
export function encodeLabel(label: number, mode: LabelMode, numClasses: number): tf.Tensor {
  if (mode === "int") return tf.scalar(label, "int32");
  if (mode === "binary") return tf.tensor1d([label], "float32");
  const row = new Float32Array(numClasses);
  row[label] = 1;
  return tf.tensor1d(row, "float32");
}

/** The options shared by the two folder readers, checked. */
export interface CheckedFolderOptions {
  labels: LabelsSource;
  labelMode: LabelMode | null;
  classNames: string[] | null;
  batchSize: number | null;
  shuffle: boolean;
  seed: number;
  seedGiven: boolean;
  validationSplit: number | undefined;
  subset: "training" | "validation" | "both" | undefined;
  followLinks: boolean;
  verbose: boolean;
}

/** The raw options shared by the two folder readers. */
export interface FolderOptions {
  labels?: "inferred" | readonly number[] | null;
  labelMode?: LabelMode | null;
  classNames?: readonly string[] | null;
  batchSize?: number | null;
  shuffle?: boolean;
  seed?: number;
  validationSplit?: number;
  subset?: "training" | "validation" | "both";
  followLinks?: boolean;
  verbose?: boolean;
}

/**
 * Checks the options shared by the folder readers, as Keras does.
 *
 * @param what What was being done.
 * @param o The options (keys already checked).
 * @returns The options with defaults, a seed drawn when none was given.
 */
export function checkFolderOptions(what: string, o: FolderOptions): CheckedFolderOptions {
  let labels: LabelsSource = o.labels === undefined ? "inferred" : o.labels;
  if (labels !== "inferred" && labels !== null) {
    if (!Array.isArray(labels) || labels.some((l) => !Number.isInteger(l) || l < 0)) {
      reject(
        what,
        "labels",
        labels,
        '"inferred", null, or an array of non-negative integer labels, one per file in the order of the sorted file paths',
      );
    }
  }
  let labelMode: LabelMode | null = o.labelMode === undefined ? "int" : o.labelMode;
  if (labelMode !== null) {
    labelMode = oneOf<LabelMode>(what, "labelMode", labelMode, [
      "int",
      "categorical",
      "binary",
    ]);
  }
  const classNames = o.classNames === undefined || o.classNames === null ? null : [...o.classNames];
  if (classNames !== null) {
    if (!Array.isArray(o.classNames) || classNames.some((c) => typeof c !== "string")) {
      reject(what, "classNames", o.classNames, "an array of subfolder names");
    }
    if (labels !== "inferred") {
      throw new TypeError(
        `Cannot ${what} as "classNames" can only be given with labels: "inferred": received labels ${
          show(labels)
        } and classNames ${show(classNames)}`,
      );
    }
  }
  if (labels === null || labelMode === null) {
    labels = null;
    labelMode = null;
  }
  const batchSize = o.batchSize === null
    ? null
    : o.batchSize === undefined
    ? 32
    : positiveInt(what, "batchSize", o.batchSize);
  const shuffle = boolean(what, "shuffle", o.shuffle, true);
  if (o.seed !== undefined) integer(what, "seed", o.seed, 0);
  if (o.seed !== undefined && o.seed >= 2 ** 32) {
    reject(what, "seed", o.seed, "an integer in [0, 2^32)", RangeError);
  }
  checkSplitOptions(what, o.validationSplit, o.subset, shuffle, o.seed !== undefined);
  return {
    labels,
    labelMode,
    classNames,
    batchSize,
    shuffle,
    seed: o.seed ?? drawSeed(),
    seedGiven: o.seed !== undefined,
    validationSplit: o.validationSplit,
    subset: o.subset,
    followLinks: boolean(what, "followLinks", o.followLinks, false),
    verbose: boolean(what, "verbose", o.verbose, true),
  };
}
