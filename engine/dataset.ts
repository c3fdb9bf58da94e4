/**
 * `Dataset`: a small `tf.data`/`DataLoader` for custom training loops and
 * `fit`. A pipeline of sample indices over in-memory arrays, shuffled with a
 * buffer (as `tf.data`), cut into batches, optionally mapped.
 *
 * Lifetime rule: the tensors of an element are valid until the iterator
 * moves on. Advancing (or leaving the loop) disposes them, so a plain
 * `for … of` loop leaves `tf.memory().numTensors` where it found it. Keep a
 * tensor past that with `tf.clone`.
 *
 * @module
 */
import { tf } from "./tf.ts";
import { type ColumnData, type DataStructure, DataTree, gatherRows } from "./data_adapter.ts";
import { Random } from "./random.ts";
import { boolean, positiveInt } from "./validate.ts";
import { checkOptions } from "./options.ts";

type Source = { x: DataTree; y: DataTree | null };
type Stage =
  | { kind: "shuffle"; bufferSize: number; random: Random }
  | { kind: "batch"; size: number; dropRemainder: boolean }
  | { kind: "take"; count: number };

/**
 * An element: `[x, y]` for labelled data, or a single tensor; for a model
 * of several inputs or outputs, `x` and `y` may be arrays or records of
 * tensors (`[{ title, body }, { priority, department }]`).
 */
export type Element = tf.Tensor | (tf.Tensor | tf.Tensor[] | Record<string, tf.Tensor>)[];

/**
 * An iterable pipeline over in-memory samples.
 *
 * @example
 * ```ts
 * import { Dataset, tf } from "../mod.ts";
 * const ds = Dataset.fromArrays([[1], [2], [3], [4]], [0, 1, 0, 1]).shuffle(4, { seed: 1 }).batch(2);
 * for (const [xb, yb] of ds) {
 *   console.log(xb.shape, yb.shape); // [2, 1] [2]
 * }
 * ```
 */
export class Dataset<T extends Element = [tf.Tensor, tf.Tensor]> implements Iterable<T> {
  readonly #source: Source;
  readonly #stages: Stage[];
  readonly #mapFn: ((element: Element) => Element) | null;

  private constructor(
    source: Source,
    stages: Stage[],
    mapFn: ((element: Element) => Element) | null,
  ) {
    this.#source = source;
    this.#stages = stages;
    this.#mapFn = mapFn;
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
    return new Dataset({ x: xd, y: yd }, [], null);
  }

  /** The number of samples in the source arrays. */
  get size(): number {
    return this.#source.x.numSamples;
  }

  /**
   * Shuffles with a buffer of `bufferSize` samples (a full shuffle when it is
   * at least the data size); the order changes every iteration.
   *
   * @param bufferSize How many samples to draw from; a positive integer.
   * @param options `seed` makes the sequence of orders repeatable.
   * @returns A new dataset.
   */
  shuffle(bufferSize: number, options: { seed?: number } = {}): Dataset<T> {
    positiveInt("shuffle a Dataset", "bufferSize", bufferSize);
    options = checkOptions("shuffle a Dataset", options, ["seed"]);
    return this.#with({ kind: "shuffle", bufferSize, random: new Random(options.seed) });
  }

  /**
   * Groups consecutive samples into batches.
   *
   * @param size Samples per batch; a positive integer.
   * @param options `dropRemainder` drops a last, smaller batch. @default false
   * @returns A new dataset.
   */
  batch(size: number, options: { dropRemainder?: boolean } = {}): Dataset<T> {
    positiveInt("batch a Dataset", "size", size);
    options = checkOptions("batch a Dataset", options, ["dropRemainder"]);
    boolean("batch a Dataset", "dropRemainder", options.dropRemainder, false);
    return this.#with({ kind: "batch", size, dropRemainder: options.dropRemainder ?? false });
  }

  /**
   * Keeps only the first `count` elements.
   *
   * @param count A positive integer.
   * @returns A new dataset.
   */
  take(count: number): Dataset<T> {
    positiveInt("take a Dataset", "count", count);
    return this.#with({ kind: "take", count });
  }

  /**
   * Transforms every element; runs inside `tf.tidy`, so intermediates are freed.
   *
   * @param fn From an element to a new element.
   * @returns A new dataset.
   */
  map<U extends Element>(fn: (element: T) => U): Dataset<U> {
    const previous = this.#mapFn;
    const composed = (e: Element): Element => fn((previous ? previous(e) : e) as T);
    return new Dataset<U>(this.#source, this.#stages, composed);
  }

  #with(stage: Stage): Dataset<T> {
    if (this.#mapFn && stage.kind !== "take") {
      throw new TypeError(
        `Cannot ${stage.kind} a mapped Dataset: call shuffle and batch before map`,
      );
    }
    return new Dataset<T>(this.#source, [...this.#stages, stage], this.#mapFn);
  }

  /** Index groups in iteration order: one group per element. */
  *#indexGroups(): Generator<Int32Array> {
    let stream: Iterable<number> = range(this.#source.x.numSamples);
    let groups: Iterable<Int32Array> | null = null;
    let limit = Infinity;
    for (const stage of this.#stages) {
      if (stage.kind === "shuffle") stream = shuffled(stream, stage.bufferSize, stage.random);
      else if (stage.kind === "batch") groups = batched(stream, stage.size, stage.dropRemainder);
      else limit = Math.min(limit, stage.count);
    }
    let n = 0;
    const source = groups ?? mapIter(stream, (i) => Int32Array.of(i));
    for (const g of source) {
      if (n++ >= limit) return;
      yield g;
    }
  }

  /** Iterates elements; each element's tensors are disposed when the iterator advances. */
  *[Symbol.iterator](): Iterator<T> {
    const batchedStage = this.#stages.some((s) => s.kind === "batch");
    let current: Element | null = null;
    try {
      for (const rows of this.#indexGroups()) {
        if (current) tf.dispose(current);
        current = null;
        current = tf.tidy(() => {
          const cut = (d: ColumnData) => {
            const t = gatherRows(d, rows);
            return batchedStage ? t : tf.reshape(t, t.shape.slice(1));
          };
          const cutAll = (tree: DataTree) => tree.build(tree.items.map(cut));
          const x = cutAll(this.#source.x);
          const base = (this.#source.y ? [x, cutAll(this.#source.y)] : x) as Element;
          return this.#mapFn ? this.#mapFn(base) : base;
        });
        yield current as T;
      }
    } finally {
      if (current) tf.dispose(current);
    }
  }
}

function* range(n: number): Generator<number> {
  for (let i = 0; i < n; i++) yield i;
}

function* mapIter<A, B>(items: Iterable<A>, fn: (a: A) => B): Generator<B> {
  for (const a of items) yield fn(a);
}

/** tf.data's buffered shuffle: fill a buffer, emit a random slot, refill it. */
function* shuffled(items: Iterable<number>, bufferSize: number, random: Random): Generator<number> {
  const buffer: number[] = [];
  for (const item of items) {
    if (buffer.length < bufferSize) {
      buffer.push(item);
      continue;
    }
    const j = Math.floor(random.next() * buffer.length);
    yield buffer[j];
    buffer[j] = item;
  }
  while (buffer.length > 0) {
    const j = Math.floor(random.next() * buffer.length);
    yield buffer[j];
    buffer[j] = buffer[buffer.length - 1];
    buffer.pop();
  }
}

function* batched(
  items: Iterable<number>,
  size: number,
  dropRemainder: boolean,
): Generator<Int32Array> {
  let group: number[] = [];
  for (const item of items) {
    group.push(item);
    if (group.length === size) {
      yield Int32Array.from(group);
      group = [];
    }
  }
  if (group.length > 0 && !dropRemainder) yield Int32Array.from(group);
}
