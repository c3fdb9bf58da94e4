/**
 * `reuters`: the Reuters newswire topics data set, as `keras.datasets.reuters`.
 *
 * @module
 */
import { tf } from "../../engine/tf.ts";
import { number } from "../../engine/validate.ts";
import { type DownloadOptions, downloadOptions } from "./_files.ts";
import { fileBytes, KERAS_ORIGIN } from "./_load.ts";
import { npzMember, readNpy, readNpySequences, readNpz } from "./_npy.ts";
import { MersenneTwister, shuffledIndices } from "./_random_state.ts";
import {
  dropLong,
  limitVocabulary,
  offsetSequences,
  reorder,
  sequenceOptionKeys,
  type SequenceOptions,
  sequenceOptions,
} from "./_sequences.ts";
import type { TrainTestData } from "./standard_dataset.ts";
import { readWordIndex } from "./_word_index.ts";

/** Options of `reuters.loadData`: those of `imdb` plus the test fraction. */
export interface ReutersOptions extends DownloadOptions, SequenceOptions {
  /** The fraction of the (shuffled) newswires kept for testing, in [0, 1). @default 0.2 */
  testSplit?: number;
}

const NPZ = {
  name: "reuters.npz",
  url: `${KERAS_ORIGIN}reuters.npz`,
  hash: "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916",
  algorithm: "sha256",
} as const;

const WORD_INDEX = {
  name: "reuters_word_index.json",
  url: `${KERAS_ORIGIN}reuters_word_index.json`,
  hash: "4d44cc38712099c9e383dc6e5f11a921",
  algorithm: "md5",
} as const;

/** The 46 topics, index = label (Keras's `get_label_names`). */
const LABEL_NAMES: readonly string[] = [
  "cocoa",
  "grain",
  "veg-oil",
  "earn",
  "acq",
  "wheat",
  "copper",
  "housing",
  "money-supply",
  "coffee",
  "sugar",
  "trade",
  "reserves",
  "ship",
  "cotton",
  "carcass",
  "crude",
  "nat-gas",
  "cpi",
  "money-fx",
  "interest",
  "gnp",
  "meal-feed",
  "alum",
  "oilseed",
  "gold",
  "tin",
  "strategic-metal",
  "livestock",
  "retail",
  "ipi",
  "iron-steel",
  "rubber",
  "heat",
  "jobs",
  "lei",
  "bop",
  "zinc",
  "orange",
  "pet-chem",
  "dlr",
  "gas",
  "silver",
  "wpi",
  "hog",
  "lead",
];

/**
 * Loads the Reuters newswires: 11,228 newswires over 46 topics, each a
 * list of word indices (frequency ranks), from Keras's `reuters.npz`
 * (SHA-256 checked, cached in `$KERNO_HOME/datasets`). The newswires are
 * shuffled (NumPy's legacy generator: Keras's order for a `seed`), then the
 * last `testSplit` of them are the test set. The pickled object arrays of
 * the file are read as data, never executed (see `imdb`).
 *
 * @param options Download, word-index and split options; see `ReutersOptions`.
 * @returns `[[xTrain, yTrain], [xTest, yTest]]`: `x` an array of newswires
 *   (`number[][]`), `y` int32 `[n]` of topics 0..45.
 * @example
 * ```ts ignore
 * import { datasets } from "../../mod.ts";
 * const [[xTrain, yTrain]] = await datasets.reuters.loadData({ numWords: 10000 });
 * console.log(xTrain.length); // 8982
 * ```
 */
async function loadData(
  options: ReutersOptions = {},
): Promise<TrainTestData<number[][], tf.Tensor1D>> {
  const what = "load reuters";
  const dl = downloadOptions(what, options, [...sequenceOptionKeys, "testSplit"]);
  const o = sequenceOptions(what, options);
  const testSplit = number(what, "testSplit", options.testSplit, {
    min: 0,
    max: 1,
    minOpen: false,
    maxOpen: true,
  }, 0.2);
  const { bytes, path } = await fileBytes("reuters", NPZ, dl);
  const npz = readNpz(bytes, path);
  let xs = readNpySequences(npzMember(npz, "x", path), `${path}:x`);
  let ys = Array.from(readNpy(npzMember(npz, "y", path), `${path}:y`).values);
  const order = shuffledIndices(new MersenneTwister(o.seed), xs.length);
  [xs, ys] = dropLong(offsetSequences(reorder(xs, order), o), reorder(ys, order), o.maxlen);
  xs = limitVocabulary(xs, o);
  const n = Math.floor(xs.length * (1 - testSplit));
  return [
    [xs.slice(0, n), tf.tensor1d(ys.slice(0, n), "int32")],
    [xs.slice(n), tf.tensor1d(ys.slice(n), "int32")],
  ];
}

/**
 * The word index of `reuters`: each word and its frequency rank (from 1).
 * Add `indexFrom` (3 by default) to get `loadData`'s indices.
 *
 * @param options `path` (a local `reuters_word_index.json`), `cacheDir`, `verbose`, `fetch`.
 * @returns A record from word to rank.
 * @example
 * ```ts ignore
 * import { datasets } from "../../mod.ts";
 * const index = await datasets.reuters.getWordIndex();
 * console.log(index["the"]); // 1
 * ```
 */
async function getWordIndex(options: DownloadOptions = {}): Promise<Record<string, number>> {
  const dl = downloadOptions("load the reuters word index", options);
  const { bytes, path } = await fileBytes("the reuters word index", WORD_INDEX, dl);
  return readWordIndex(bytes, path);
}

/**
 * The names of the 46 topics, index = label.
 *
 * @returns A new array of names.
 */
function getLabelNames(): string[] {
  return [...LABEL_NAMES];
}

/**
 * The Reuters newswire topics data set (`keras.datasets.reuters`):
 * `loadData`, `getWordIndex` and `getLabelNames`.
 */
export const reuters: {
  /** Loads the newswires; see `ReutersOptions`. */
  loadData: (options?: ReutersOptions) => Promise<TrainTestData<number[][], tf.Tensor1D>>;
  /** Loads the word index. */
  getWordIndex: (options?: DownloadOptions) => Promise<Record<string, number>>;
  /** The topics' names. */
  getLabelNames: () => string[];
} = { loadData, getWordIndex, getLabelNames };
