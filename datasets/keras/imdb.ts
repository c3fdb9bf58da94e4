/**
 * `imdb`: the IMDB movie review sentiment data set, as `keras.datasets.imdb`.
 *
 * @module
 */
import { tf } from "../../engine/tf.ts";
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

/** Options of `imdb.loadData`: the download options and Keras's word-index options. */
export interface ImdbOptions extends DownloadOptions, SequenceOptions {}

const NPZ = {
  name: "imdb.npz",
  url: `${KERAS_ORIGIN}imdb.npz`,
  hash: "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f",
  algorithm: "sha256",
} as const;

const WORD_INDEX = {
  name: "imdb_word_index.json",
  url: `${KERAS_ORIGIN}imdb_word_index.json`,
  hash: "bfafd718b763782e994055a2d397834f",
  algorithm: "md5",
} as const;

/**
 * Loads the IMDB reviews (Maas et al., 2011): 25,000 training and 25,000
 * test reviews labelled positive (1) or negative (0), each a list of word
 * indices, a word's index being its frequency rank (3 = the 3rd most
 * frequent word once `indexFrom` is added). Downloaded once from Keras's
 * `imdb.npz` (SHA-256 checked) into the cache (`$KERNO_HOME/datasets`).
 *
 * The file stores the reviews as pickled NumPy object arrays; kerno reads
 * that pickle as data (only list and integer opcodes and NumPy's array
 * globals, recorded by name and never called), so loading runs no code from
 * the file. Samples are shuffled with NumPy's legacy generator, so the order
 * for a `seed` is Keras's.
 *
 * @param options Download and word-index options; see `ImdbOptions`.
 * @returns `[[xTrain, yTrain], [xTest, yTest]]`: `x` an array of reviews
 *   (`number[][]`, ragged), `y` int32 `[n]` of 0/1.
 * @example
 * ```ts ignore
 * import { datasets } from "../../mod.ts";
 * const [[xTrain, yTrain]] = await datasets.imdb.loadData({ numWords: 10000 });
 * console.log(xTrain.length, yTrain.shape); // 25000 [25000]
 * ```
 */
async function loadData(
  options: ImdbOptions = {},
): Promise<TrainTestData<number[][], tf.Tensor1D>> {
  const what = "load imdb";
  const dl = downloadOptions(what, options, sequenceOptionKeys);
  const o = sequenceOptions(what, options);
  const { bytes, path } = await fileBytes("imdb", NPZ, dl);
  const npz = readNpz(bytes, path);
  const part = (key: string) => readNpySequences(npzMember(npz, key, path), `${path}:${key}`);
  const labels = (key: string) =>
    Array.from(readNpy(npzMember(npz, key, path), `${path}:${key}`).values);
  const rng = new MersenneTwister(o.seed);
  let xTrain = part("x_train");
  let yTrain = labels("y_train");
  let order = shuffledIndices(rng, xTrain.length);
  [xTrain, yTrain] = [reorder(xTrain, order), reorder(yTrain, order)];
  let xTest = part("x_test");
  let yTest = labels("y_test");
  order = shuffledIndices(rng, xTest.length);
  [xTest, yTest] = [reorder(xTest, order), reorder(yTest, order)];
  [xTrain, yTrain] = dropLong(offsetSequences(xTrain, o), yTrain, o.maxlen);
  [xTest, yTest] = dropLong(offsetSequences(xTest, o), yTest, o.maxlen);
  if (o.maxlen !== null && (xTrain.length === 0 || xTest.length === 0)) {
    throw new RangeError(
      `Cannot load imdb as no sequence is shorter than "maxlen": received ${o.maxlen}; increase it`,
    );
  }
  const all = limitVocabulary([...xTrain, ...xTest], o);
  const n = xTrain.length;
  return [
    [all.slice(0, n), tf.tensor1d(yTrain, "int32")],
    [all.slice(n), tf.tensor1d(yTest, "int32")],
  ];
}

/**
 * The word index of `imdb`: each word and its frequency rank (from 1), as
 * in the file Keras publishes. Add `indexFrom` (3 by default) to a rank to
 * get the index used in `loadData`'s sequences.
 *
 * @param options `path` (a local `imdb_word_index.json`), `cacheDir`, `verbose`, `fetch`.
 * @returns A record from word to rank.
 * @example
 * ```ts ignore
 * import { datasets } from "../../mod.ts";
 * const index = await datasets.imdb.getWordIndex();
 * console.log(index["the"]); // 1
 * ```
 */
async function getWordIndex(options: DownloadOptions = {}): Promise<Record<string, number>> {
  const dl = downloadOptions("load the imdb word index", options);
  const { bytes, path } = await fileBytes("the imdb word index", WORD_INDEX, dl);
  return readWordIndex(bytes, path);
}

/**
 * The IMDB sentiment data set (`keras.datasets.imdb`): `loadData` and
 * `getWordIndex`.
 */
export const imdb: {
  /** Loads the reviews; see `ImdbOptions`. */
  loadData: (options?: ImdbOptions) => Promise<TrainTestData<number[][], tf.Tensor1D>>;
  /** Loads the word index. */
  getWordIndex: (options?: DownloadOptions) => Promise<Record<string, number>>;
} = { loadData, getWordIndex };
