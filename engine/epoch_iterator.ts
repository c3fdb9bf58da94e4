/**
 * The epoch iterator: which samples each step of an epoch sees. Arrays are
 * cut into batches by copying rows (shuffled anew every epoch when asked);
 * a `Dataset` is iterated as it is (asynchronously: it may stream from a
 * file). A batch's tensors are disposed when the iterator moves on.
 *
 * @module
 */
import { tf } from "./tf.ts";
import { type ArrayData, type DataTree, gatherRows, tensorsOf } from "./data_adapter.ts";
import type { LayerInputs } from "./layer_inputs.ts";
import type { Dataset, Element } from "./dataset.ts";
import { leavesOf, where } from "./_dataset_structure.ts";
import { SeedGenerator } from "./seed_generator.ts";

/** One step's data. */
export interface Batch {
  /** The inputs: one tensor, or one per input (an array or a record). */
  x: LayerInputs;
  /** The targets: one tensor, or one per output; `null` without targets. */
  y: LayerInputs | null;
  /** Per-sample weights, or `null`. */
  sampleWeight: tf.Tensor | null;
}

/** Yields the batches of one epoch at a time. */
export interface EpochIterator {
  /** Batches per epoch, or `null` when unknown until the first epoch ends. */
  readonly steps: number | null;
  /** @returns The batches of the next epoch; throws for a dataset that must be read asynchronously. */
  epoch(): Generator<Batch>;
  /** @returns The batches of the next epoch, read asynchronously. */
  epochAsync(): AsyncGenerator<Batch>;
  /** Releases what a pass kept open across epochs (a dataset read with `stepsPerEpoch`). */
  close(): Promise<void>;
}

/** Options of {@link arrayIterator}. */
export interface ArrayIteratorOptions {
  batchSize: number;
  shuffle: boolean;
  stepsPerEpoch?: number;
  /** The stream shuffled orders are drawn from (`fit` passes the model's). @default a new one */
  seedGenerator?: SeedGenerator;
}

/**
 * Batches over in-memory arrays.
 *
 * @param x Inputs (one array, or one per input).
 * @param y Targets (one array, or one per output), or `null`.
 * @param sampleWeight Per-sample weights, or `null`.
 * @param options Batch size, shuffling and steps per epoch.
 * @returns The iterator.
 */
export function arrayIterator(
  x: DataTree,
  y: DataTree | null,
  sampleWeight: ArrayData | null,
  options: ArrayIteratorOptions,
): EpochIterator {
  const n = x.numSamples;
  const { batchSize, shuffle } = options;
  const perPass = Math.ceil(n / batchSize);
  const steps = options.stepsPerEpoch ?? perPass;
  const generator = shuffle ? options.seedGenerator ?? new SeedGenerator() : null;
  let order: Int32Array | null = null;
  let cursor = perPass; // batch index within the current pass; starts "exhausted"
  const nextRows = (): Int32Array | [number, number] => {
    if (cursor >= perPass) {
      // Each pass's order is drawn from the generator when the pass starts,
      // so restoring its state (BackupAndRestore) reproduces the order of
      // any epoch.
      order = generator ? generator.permutation(n) : null;
      cursor = 0;
    }
    const start = cursor * batchSize;
    const end = Math.min(n, start + batchSize);
    cursor++;
    return order ? order.subarray(start, end) : [start, end];
  };
  return {
    steps,
    *epoch() {
      if (options.stepsPerEpoch === undefined) cursor = perPass; // every epoch is one full pass
      for (let step = 0; step < steps; step++) {
        const rows = nextRows();
        const gather = (tree: DataTree) => tree.build(tree.items.map((a) => gatherRows(a, rows)));
        const batch: Batch = {
          x: gather(x),
          y: y ? gather(y) : null,
          sampleWeight: sampleWeight ? gatherRows(sampleWeight, rows) : null,
        };
        try {
          yield batch;
        } finally {
          tf.dispose([...tensorsOf(batch.x), ...tensorsOf(batch.y), batch.sampleWeight ?? []]);
        }
      }
    },
    async *epochAsync() {
      yield* this.epoch();
    },
    close: () => Promise.resolve(),
  };
}

/**
 * Batches from a `Dataset` of `[x, y]` or `[x, y, sampleWeight]` elements
 * (or bare `x` for prediction), already batched.
 *
 * Without `stepsPerEpoch` every epoch is one pass; the steps are the
 * dataset's cardinality when known, else counted in the first epoch. With
 * it, one pass runs on across epochs (an endless dataset, `repeat()`, needs
 * it); as in Keras 3, a pass that runs out mid-epoch ends that epoch early
 * with a warning (once), and the next epoch starts a new pass.
 *
 * @param dataset The dataset.
 * @param stepsPerEpoch At most this many batches per epoch.
 * @param what What reads it, for errors (`"fit"`), and the name of its steps option.
 * @returns The iterator.
 */
export function datasetIterator(
  dataset: Dataset<Element>,
  stepsPerEpoch?: number,
  what: { method: string; stepsArg: string } = { method: "fit", stepsArg: "stepsPerEpoch" },
): EpochIterator {
  const cardinality = dataset.cardinality();
  if (cardinality === Infinity && stepsPerEpoch === undefined) {
    throw new RangeError(
      `Cannot ${what.method} on an endless Dataset (repeat() without a count) without "${what.stepsArg}": pass how many batches make an epoch`,
    );
  }
  let known: number | null = stepsPerEpoch ?? cardinality;
  let live: AsyncIterator<Element> | null = null;
  let warned = false;
  const batchOf = (element: Element): Batch => {
    checkBatched(element, what.method);
    const [x, y, sampleWeight] = (Array.isArray(element) ? element : [element]) as [
      LayerInputs,
      LayerInputs?,
      tf.Tensor?,
    ];
    return { x, y: y ?? null, sampleWeight: sampleWeight ?? null };
  };
  return {
    get steps() {
      return known;
    },
    *epoch() {
      if (dataset.asynchronous) {
        throw new TypeError(
          `Cannot ${what.method} on this Dataset synchronously as it is read asynchronously (a file, an async source or prefetch): use ${
            what.method === "predict" ? "await model.predictAsync(dataset)" : "the asynchronous API"
          }`,
        );
      }
      let step = 0;
      for (const element of dataset) {
        if (stepsPerEpoch !== undefined && step >= stepsPerEpoch) break;
        yield batchOf(element);
        step++;
      }
      known ??= step;
    },
    async *epochAsync() {
      if (stepsPerEpoch === undefined) {
        let step = 0;
        for await (const element of dataset) {
          yield batchOf(element);
          step++;
        }
        known ??= step;
        return;
      }
      let freshPass = false;
      for (let step = 0; step < stepsPerEpoch;) {
        if (live === null) {
          live = dataset[Symbol.asyncIterator]();
          freshPass = true;
        }
        const r = await live.next();
        if (r.done) {
          live = null;
          // The previous epoch used up its pass exactly: this one starts a new pass.
          if (step === 0 && !freshPass) continue;
          // As Keras 3: a pass that runs out mid-epoch ends the epoch early,
          // with a warning; the next epoch starts a new pass.
          if (!warned) {
            warned = true;
            console.warn(
              `${what.method}: the Dataset ran out of data after ${step} of ${what.stepsArg}=${stepsPerEpoch} steps, so this epoch ends early (the next starts a new pass). Make sure it gives at least ${what.stepsArg} batches per epoch: repeat() makes it endless`,
            );
          }
          return;
        }
        freshPass = false;
        yield batchOf(r.value);
        step++;
      }
    },
    async close() {
      const it = live;
      live = null;
      await it?.return?.();
    },
  };
}

/** Refuses elements whose values are not tensors yet (a dataset not batched). */
function checkBatched(element: Element, method: string): void {
  for (const { leaf, path } of leavesOf(element)) {
    if (!(leaf instanceof tf.Tensor)) {
      throw new TypeError(
        `Cannot ${method} on this Dataset as the value at ${
          where(path)
        } is not a tensor: received ${
          typeof leaf === "object" ? leaf?.constructor?.name : typeof leaf
        }; batch the dataset first (dataset.batch(32))`,
      );
    }
  }
}
