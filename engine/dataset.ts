/**
 * `Dataset`: kerno's `tf.data` — a pipeline of elements from in-memory
 * arrays, generators, async iterables or CSV files, transformed stage by
 * stage (map, filter, shuffle, batch, …) and read by `for … of`,
 * `for await … of`, `fit`, `evaluate` and `predict`.
 *
 * Elements. Before `batch`, an element may be plain data — numbers,
 * strings, booleans, typed arrays, nested arrays — or tensors; `batch`
 * stacks each value of the rows into one tensor with a new first axis. The
 * structure around the values: a plain object is a record (`{ title, body }`)
 * at any depth; an array at the top of an element is a tuple (`[x, y]`,
 * `[x, y, sampleWeight]`, what `fit` reads); below the top, an array that
 * holds a tensor, a typed array or a record is a tuple too (several inputs),
 * and any other array (numbers or strings, nested) is one value.
 *
 * Lifetime: an element's tensors are valid until the iterator moves on.
 * Advancing (or leaving the loop) disposes them, so a loop leaves
 * `tf.memory().numTensors` where it found it. Keep a tensor past that with
 * `tf.clone`. Tensors a source or a map function yields belong to the
 * dataset from then on.
 *
 * Synchronous or not: `for await` always works. `for … of` works while
 * every stage is synchronous — arrays, synchronous generators, and the
 * element-wise operations; a CSV file, an async source, `prefetch`, a
 * `cache` file and a map in Web Workers need `for await`.
 *
 * @module
 */
import { tf } from "./tf.ts";
import { type DataStructure, DataTree } from "./data_adapter.ts";
import { nextSeed, Random } from "./random.ts";
import { boolean, integer, optionalSeed, positiveInt, reject } from "./validate.ts";
import { checkOptions } from "./options.ts";
import { chunksOf, elementsOf, type Pass, type Pipe, transduce } from "./_dataset_pipe.ts";
import {
  concatPipe,
  iterableSource,
  prefetchPipe,
  repeatPipe,
  zipPipe,
} from "./_dataset_combine.ts";
import {
  filterTransducer,
  groupTransducer,
  mapTransducer,
  shuffleTransducer,
  skipTransducer,
  splitTransducer,
  takeTransducer,
} from "./_dataset_stages.ts";
import { isRecord, stackRows, tensorsIn, unstackElement } from "./_dataset_structure.ts";
import { padRows, padSpecs } from "./_dataset_padding.ts";
import { type Arrays, arraysPipe, batchCount } from "./_dataset_arrays.ts";
import { type CsvOptions, csvPipe } from "./_dataset_csv.ts";
import { parallelMapPipe } from "./_dataset_workers.ts";
import { fileCachePipe, memoryCachePipe } from "./_dataset_cache.ts";
export type { CsvDefault, CsvOptions } from "./_dataset_csv.ts";

/** A value of an element: a tensor or plain data. */
export type ElementValue =
  | tf.Tensor
  | number
  | string
  | boolean
  | ArrayBufferView
  | readonly ElementValue[];

/**
 * An element: a value, a tuple (`[x, y]`, `[x, y, sampleWeight]`) or a
 * record of them, nested; after `batch`, every value is a tensor. For a
 * model of several inputs or outputs, `x` and `y` may be arrays or records
 * of tensors (`[{ title, body }, { priority, department }]`).
 */
export type Element =
  | ElementValue
  | readonly Element[]
  | { readonly [key: string]: Element };

/** The type of an element after `batch`: every value becomes a tensor. */
export type Batched<T> = T extends tf.Tensor | number | string | boolean | ArrayBufferView
  ? tf.Tensor
  : T extends readonly unknown[] ? { -readonly [K in keyof T]: BatchedPart<T[K]> }
  : BatchedPart<T>;

/** Below the top of an element: an array of plain values is one value. */
export type BatchedPart<T> = T extends tf.Tensor | number | string | boolean | ArrayBufferView
  ? tf.Tensor
  : T extends readonly (number | string | boolean | readonly unknown[])[] ? tf.Tensor
  : T extends readonly unknown[] ? { -readonly [K in keyof T]: BatchedPart<T[K]> }
  : T extends object ? { -readonly [K in keyof T]: BatchedPart<T[K]> }
  : tf.Tensor;

/** Options of {@link Dataset.shuffle}. */
export interface ShuffleOptions {
  /** Makes the sequence of orders repeatable. @default drawn from the global seed */
  seed?: number;
  /** A new order on every pass (as tf.data); `false` repeats the first pass's order. @default true */
  reshuffleEachIteration?: boolean;
}

/** Options of {@link Dataset.batch}. */
export interface BatchOptions {
  /** Drop a last batch smaller than `size`. @default false */
  dropRemainder?: boolean;
}

/** Options of {@link Dataset.paddedBatch}. */
export interface PaddedBatchOptions extends BatchOptions {
  /**
   * Each value's padded shape (without the batch axis): one shape for an
   * element of one value, or the element's structure with a shape per
   * value; `null` or -1 on an axis pads to the longest in the batch.
   * @default the longest in the batch on every axis
   */
  paddedShapes?: unknown;
  /** What padding holds: one number (or string), or one per value in the element's structure. @default 0 (and "" for strings) */
  paddingValues?: unknown;
}

/** Options of {@link Dataset.map}. */
export interface MapOptions {
  /**
   * With more than 1, the function runs in that many Web Workers: it must
   * be a pure function of plain data that uses no variable from around it
   * (only its source text travels), and elements must hold no tensors.
   * Output order is kept.
   * @default 1 (in this thread, inside a tensor scope)
   */
  numParallelCalls?: number;
}

/**
 * A pipeline of elements; see the module's comment for what an element is
 * and how long its tensors live.
 *
 * @example
 * ```ts
 * import { Dataset, tf } from "../mod.ts";
 * const ds = Dataset.fromArrays([[1], [2], [3], [4]], [0, 1, 0, 1]).shuffle(4, { seed: 1 }).batch(2);
 * for (const [xb, yb] of ds) {
 *   console.log(xb.shape, yb.shape); // [2, 1] [2]
 * }
 * const rows = Dataset.fromGenerator(function* () {
 *   for (let i = 0; i < 5; i++) yield [Float32Array.of(i, i * i), i % 2];
 * }).batch(2);
 * for await (const [x, y] of rows) console.log(x.shape, y.shape); // [2, 2] [2] ... [1, 2] [1]
 * ```
 */
export class Dataset<T = [tf.Tensor, tf.Tensor]> implements Iterable<T>, AsyncIterable<T> {
  readonly #pipe: Pipe;
  readonly #arrays: Arrays | null;

  private constructor(pipe: Pipe, arrays: Arrays | null = null) {
    this.#pipe = pipe;
    this.#arrays = arrays;
  }

  /**
   * A dataset of samples along the first axis of `x` (and `y`).
   *
   * @param x Inputs: tensor, nested array or typed array; for a model of
   *   several inputs, an array of them or a record keyed by input names.
   * @param y Targets with as many samples as `x` (for several outputs, an
   *   array or a record of them).
   * @returns A dataset of `[x, y]` samples (or `x` alone when `y` is
   *   omitted), `x` and `y` in the structure given.
   */
  static fromArrays(x: DataStructure, y?: DataStructure): Dataset<[tf.Tensor, tf.Tensor]> {
    const xd = DataTree.from(x, "x");
    const yd = y === undefined ? null : DataTree.from(y, "y");
    if (yd && yd.numSamples !== xd.numSamples) {
      throw new RangeError(
        `Cannot make a Dataset as "x" and "y" must hold as many samples: received ${xd.numSamples} and ${yd.numSamples}`,
      );
    }
    return Dataset.#fromArrays({ x: xd, y: yd, shuffle: null, batch: null });
  }

  static #fromArrays<U>(a: Arrays): Dataset<U> {
    return new Dataset<U>(arraysPipe(a), a);
  }

  /**
   * A dataset from a function that makes a fresh iterable on every pass: a
   * generator function (`function*`) or an async one (`async function*`).
   * An async one makes the dataset asynchronous (`for await`).
   *
   * @param fn Called at the start of every pass.
   * @returns The dataset of what the iterable yields.
   */
  static fromGenerator<U>(fn: () => Iterable<U> | AsyncIterable<U>): Dataset<U> {
    if (typeof fn !== "function") {
      reject("make a Dataset from a generator", "fn", fn, "a generator function");
    }
    const isAsync = Object.prototype.toString.call(fn) === "[object AsyncGeneratorFunction]";
    return new Dataset<U>(
      iterableSource(fn, isAsync ? "an async generator" : null, "the generator function"),
    );
  }

  /**
   * A dataset from an async iterable (a stream, an async generator's
   * object…). Each pass calls its `[Symbol.asyncIterator]()`: an object
   * that iterates only once (a generator object) gives one pass — use
   * `fromGenerator` for data read again every epoch.
   *
   * @param iterable The source.
   * @returns The (asynchronous) dataset.
   */
  static fromAsyncIterable<U>(iterable: AsyncIterable<U>): Dataset<U> {
    if (iterable === null || typeof iterable !== "object" || !(Symbol.asyncIterator in iterable)) {
      reject("make a Dataset from an async iterable", "iterable", iterable, "an async iterable");
    }
    return new Dataset<U>(
      iterableSource(() => iterable, "an async iterable", "the async iterable"),
    );
  }

  /**
   * Rows of a CSV file, streamed: the file is read as the pipeline needs it,
   * never whole, so it may be larger than memory. Quoted fields follow
   * RFC 4180. Elements are `[features, label]` with `label`, else
   * `features`; `features` is a `Float32Array` of the feature columns in
   * file order (the default, what a model of one input takes), or with
   * `featuresAs: "record"` an object of numbers and strings by column name.
   * A row with the wrong number of fields, or a numeric column's field that
   * is not a number, stops the pass with an error naming the file, the line
   * and the column. Batch it before `fit`: `Dataset.csv(p, { label }).batch(256)`.
   *
   * @param path The file.
   * @param options Columns, label, header, delimiter, defaults.
   * @returns The (asynchronous) dataset.
   */
  static csv(
    path: string | URL,
    options: CsvOptions & { label: string; featuresAs?: "vector" },
  ): Dataset<[Float32Array, number]>;
  /**
   * `Dataset.csv` with features as a record: `[{ column: value }, label]` elements.
   *
   * @param path The file.
   * @param options Columns, label, header, delimiter, defaults.
   * @returns The (asynchronous) dataset.
   */
  static csv(
    path: string | URL,
    options: CsvOptions & { label: string; featuresAs: "record" },
  ): Dataset<[Record<string, number | string>, number]>;
  /**
   * `Dataset.csv` without a label: `Float32Array` feature vectors.
   *
   * @param path The file.
   * @param options Columns, label, header, delimiter, defaults.
   * @returns The (asynchronous) dataset.
   */
  static csv(
    path: string | URL,
    options?: CsvOptions & { label?: undefined; featuresAs?: "vector" },
  ): Dataset<Float32Array>;
  /**
   * `Dataset.csv` with options known only at run time.
   *
   * @param path The file.
   * @param options Columns, label, header, delimiter, defaults.
   * @returns The (asynchronous) dataset.
   */
  static csv(path: string | URL, options?: CsvOptions): Dataset<unknown>;
  static csv(path: string | URL, options: CsvOptions = {}): Dataset<unknown> {
    return new Dataset(csvPipe(path, options));
  }

  /**
   * Pairs up the elements of several datasets, stopping at the shortest.
   *
   * @param datasets An array of datasets (elements become tuples) or a
   *   record of them (elements become records).
   * @returns The zipped dataset.
   */
  static zip<D extends readonly Dataset<unknown>[] | Record<string, Dataset<unknown>>>(
    datasets: D,
  ): Dataset<{ -readonly [K in keyof D]: D[K] extends Dataset<infer E> ? E : never }> {
    const entries = Array.isArray(datasets)
      ? (datasets as Dataset<unknown>[]).map((d, i) => [String(i), d] as const)
      : isRecord(datasets)
      ? Object.entries(datasets as Record<string, Dataset<unknown>>)
      : reject("zip Datasets", "datasets", datasets, "an array or a record of Datasets");
    if (entries.length === 0) reject("zip Datasets", "datasets", datasets, "at least one Dataset");
    for (const [k, d] of entries) {
      if (!(d instanceof Dataset)) reject("zip Datasets", `datasets[${k}]`, d, "a Dataset");
    }
    return new Dataset(
      zipPipe(
        entries.map(([, d]) => d.#pipe),
        Array.isArray(datasets) ? null : entries.map(([k]) => k),
      ),
    );
  }

  /** The number of samples in the source arrays (a dataset made by `fromArrays` only). */
  get size(): number {
    if (!this.#arrays) {
      throw new TypeError(
        `Cannot read the size of a Dataset not made by fromArrays: use cardinality()`,
      );
    }
    return this.#arrays.x.numSamples;
  }

  /**
   * Whether some stage is known to be asynchronous (a CSV file, an async
   * source, `prefetch`, a cache file, a map in workers): such a dataset is
   * read with `for await` (`fit`, `evaluate` and `predictAsync` do).
   */
  get asynchronous(): boolean {
    return this.#pipe.asyncReason !== null;
  }

  /**
   * How many elements a pass yields, when known without reading: `Infinity`
   * for an endless dataset (`repeat()`), `null` when unknown (a generator, a
   * CSV file, after `filter` or `unbatch`).
   *
   * @returns The count, `Infinity` or `null`.
   */
  cardinality(): number | null {
    return this.#pipe.cardinality;
  }

  /**
   * Transforms every element. In this thread (the default) `fn` runs inside
   * a tensor scope: tensors it makes and does not return are freed, and the
   * input's tensors it does not return are disposed. It may be async (the
   * dataset then needs `for await`). With `numParallelCalls` > 1 it runs in
   * Web Workers (see {@link MapOptions}).
   *
   * @param fn From an element to a new element.
   * @param options `numParallelCalls`.
   * @returns A new dataset.
   */
  map<U>(fn: (element: T) => U | Promise<U>, options: MapOptions = {}): Dataset<U> {
    const what = "map a Dataset";
    if (typeof fn !== "function") reject(what, "fn", fn, "a function");
    options = checkOptions(what, options, ["numParallelCalls"]);
    const n = options.numParallelCalls === undefined
      ? 1
      : positiveInt(what, "numParallelCalls", options.numParallelCalls);
    const up = this.#pipe;
    if (n > 1) return new Dataset<U>(parallelMapPipe(up, fn as (e: never) => unknown, n));
    return new Dataset<U>(
      transduce(up, () => mapTransducer(fn as (e: unknown) => unknown), up.cardinality),
    );
  }

  /**
   * Keeps the elements for which `predicate` returns true (or a nonzero
   * scalar tensor).
   *
   * @param predicate Called on each element.
   * @returns A new dataset.
   */
  filter(predicate: (element: T) => boolean | tf.Tensor): Dataset<T> {
    if (typeof predicate !== "function") {
      reject("filter a Dataset", "predicate", predicate, "a function");
    }
    return this.#then(() => filterTransducer(predicate as (e: unknown) => unknown), null);
  }

  /**
   * Repeats the passes: `count` times, or endlessly (`fit` then needs
   * `stepsPerEpoch`).
   *
   * @param count A positive integer. @default Infinity
   * @returns A new dataset.
   */
  repeat(count?: number): Dataset<T> {
    const n = count === undefined || count === Infinity
      ? Infinity
      : positiveInt("repeat a Dataset", "count", count);
    return new Dataset<T>(repeatPipe(this.#pipe, n));
  }

  /**
   * Records the first complete pass and replays it afterwards: in memory
   * (as host values; no tensors are kept between passes), or in a file,
   * which later runs read too while it exists (delete it to read the source
   * again). A file cache makes the dataset asynchronous.
   *
   * @param filename A file to cache into. @default in memory
   * @returns A new dataset.
   */
  cache(filename?: string): Dataset<T> {
    if (filename === undefined || filename === "") {
      return new Dataset<T>(memoryCachePipe(this.#pipe));
    }
    if (typeof filename !== "string") {
      reject("cache a Dataset", "filename", filename, "a file path");
    }
    return new Dataset<T>(fileCachePipe(this.#pipe, filename));
  }

  /**
   * Reads up to `count` elements ahead of the consumer, so that reading
   * (file I/O) overlaps the work on the current element. Makes the dataset
   * asynchronous.
   *
   * @param count How many elements to read ahead; a positive integer.
   * @returns A new dataset.
   */
  prefetch(count: number): Dataset<T> {
    positiveInt("prefetch a Dataset", "count", count);
    return new Dataset<T>(prefetchPipe(this.#pipe, count));
  }

  /**
   * Shuffles with a buffer of `bufferSize` elements, as tf.data: the buffer
   * is filled, a random element is emitted and replaced by the next (a full
   * shuffle when the buffer holds the whole data).
   *
   * @param bufferSize How many elements to draw from; a positive integer.
   * @param options `seed` and `reshuffleEachIteration`.
   * @returns A new dataset.
   */
  shuffle(bufferSize: number, options: ShuffleOptions = {}): Dataset<T> {
    const what = "shuffle a Dataset";
    positiveInt(what, "bufferSize", bufferSize);
    options = checkOptions(what, options, ["seed", "reshuffleEachIteration"]);
    const seed = optionalSeed(what, "seed", options.seed) ?? nextSeed();
    const reshuffle = boolean(what, "reshuffleEachIteration", options.reshuffleEachIteration, true);
    const shared = new Random(seed);
    const random = reshuffle ? () => shared : () => new Random(seed);
    const a = this.#arrays;
    if (a && !a.shuffle && !a.batch) {
      return Dataset.#fromArrays({ ...a, shuffle: { bufferSize, random } });
    }
    return this.#then(() => {
      const r = random();
      return shuffleTransducer(bufferSize, () => r.next());
    }, this.#pipe.cardinality);
  }

  /**
   * Stacks `size` consecutive elements into one: every value becomes a
   * tensor with a new first axis (numbers become a vector, typed arrays and
   * nested arrays a matrix or more). Values must share their shape; pad
   * ragged ones with `paddedBatch`.
   *
   * @param size Elements per batch; a positive integer.
   * @param options `dropRemainder`.
   * @returns A new dataset.
   */
  batch(size: number, options: BatchOptions = {}): Dataset<Batched<T>> {
    const what = "batch a Dataset";
    positiveInt(what, "size", size);
    options = checkOptions(what, options, ["dropRemainder"]);
    const drop = boolean(what, "dropRemainder", options.dropRemainder, false);
    const a = this.#arrays;
    if (a && !a.batch) return Dataset.#fromArrays({ ...a, batch: { size, dropRemainder: drop } });
    return new Dataset(
      transduce(
        this.#pipe,
        () => groupTransducer(size, drop, stackRows),
        batchCount(this.#pipe.cardinality, size, drop),
      ),
    );
  }

  /**
   * Like `batch`, padding every value to a common shape first: each axis
   * to the longest in the batch, or to `paddedShapes`, filled with
   * `paddingValues`. Values may be tensors, typed arrays or nested arrays
   * of different lengths (token sequences).
   *
   * @param size Elements per batch; a positive integer.
   * @param options `paddedShapes`, `paddingValues`, `dropRemainder`.
   * @returns A new dataset.
   */
  paddedBatch(size: number, options: PaddedBatchOptions = {}): Dataset<Batched<T>> {
    const what = "paddedBatch a Dataset";
    positiveInt(what, "size", size);
    options = checkOptions(what, options, ["paddedShapes", "paddingValues", "dropRemainder"]);
    const drop = boolean(what, "dropRemainder", options.dropRemainder, false);
    const specOf = padSpecs(options.paddedShapes, options.paddingValues);
    const up = this.#pipe;
    return new Dataset(
      transduce(
        up,
        () => groupTransducer(size, drop, (rows) => padRows(rows, specOf)),
        batchCount(up.cardinality, size, drop),
      ),
    );
  }

  /**
   * Splits every element along the first axis of its values into rows (the
   * inverse of `batch`).
   *
   * @returns A new dataset.
   */
  unbatch<U = T>(): Dataset<U> {
    return new Dataset<U>(transduce(this.#pipe, () => splitTransducer(unstackElement), null));
  }

  /**
   * Keeps only the first `count` elements.
   *
   * @param count A non-negative integer.
   * @returns A new dataset.
   */
  take(count: number): Dataset<T> {
    integer("take a Dataset", "count", count, 0);
    const c = this.#pipe.cardinality;
    return this.#then(
      () => takeTransducer(count),
      c === null ? (count === 0 ? 0 : null) : Math.min(c, count),
    );
  }

  /**
   * Drops the first `count` elements.
   *
   * @param count A non-negative integer.
   * @returns A new dataset.
   */
  skip(count: number): Dataset<T> {
    integer("skip a Dataset", "count", count, 0);
    const c = this.#pipe.cardinality;
    return this.#then(() => skipTransducer(count), c === null ? null : Math.max(0, c - count));
  }

  /**
   * Every element of this dataset, then every element of `other`.
   *
   * @param other A dataset of elements of the same structure.
   * @returns A new dataset.
   */
  concatenate<U>(other: Dataset<U>): Dataset<T | U> {
    if (!(other instanceof Dataset)) reject("concatenate Datasets", "other", other, "a Dataset");
    return new Dataset<T | U>(concatPipe(this.#pipe, other.#pipe));
  }

  #then(make: () => ReturnType<typeof filterTransducer>, cardinality: number | null): Dataset<T> {
    return new Dataset<T>(transduce(this.#pipe, make, cardinality));
  }

  /**
   * Iterates synchronously; each element's tensors are disposed when the
   * iterator advances. Throws, naming the stage, when the dataset is
   * asynchronous: use `for await`.
   */
  *[Symbol.iterator](): Iterator<T> {
    yield* owned(this.#pipe.open()) as Iterable<T>;
  }

  /** Iterates asynchronously (always possible); each element's tensors are disposed when the iterator advances. */
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    let current: unknown = null;
    try {
      for await (const e of elementsOf(chunksOf(this.#pipe))) {
        tf.dispose(tensorsIn(current));
        current = e;
        yield e as T;
      }
    } finally {
      tf.dispose(tensorsIn(current));
    }
  }
}

/** A pass whose elements are disposed as the consumer moves on. */
function* owned(pass: Pass): Pass {
  let current: unknown = null;
  try {
    for (const e of pass) {
      tf.dispose(tensorsIn(current));
      current = e;
      yield e;
    }
  } finally {
    tf.dispose(tensorsIn(current));
  }
}
