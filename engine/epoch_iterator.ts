/**
 * The epoch iterator: which samples each step of an epoch sees. Arrays are
 * cut into batches by copying rows (shuffled anew every epoch when asked);
 * a `Dataset` is iterated as it is. A batch's tensors are disposed when the
 * iterator moves on.
 *
 * @module
 */
import { tf } from "./tf.ts";
import { type ArrayData, type DataTree, gatherRows, tensorsOf } from "./data_adapter.ts";
import type { LayerInputs } from "./layer_inputs.ts";
import type { Dataset, Element } from "./dataset.ts";
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
  /** @returns The batches of the next epoch. */
  epoch(): Generator<Batch>;
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
  };
}

/**
 * Batches from a `Dataset` of `[x, y]` or `[x, y, sampleWeight]` elements
 * (or bare `x` for prediction).
 *
 * @param dataset The dataset, already batched.
 * @param stepsPerEpoch At most this many batches per epoch.
 * @returns The iterator.
 */
export function datasetIterator(
  dataset: Dataset<Element>,
  stepsPerEpoch?: number,
): EpochIterator {
  let known: number | null = stepsPerEpoch ?? null;
  return {
    get steps() {
      return known;
    },
    *epoch() {
      let step = 0;
      for (const element of dataset) {
        if (stepsPerEpoch !== undefined && step >= stepsPerEpoch) break;
        const [x, y, sampleWeight] = (Array.isArray(element) ? element : [element]) as [
          LayerInputs,
          LayerInputs?,
          tf.Tensor?,
        ];
        yield { x, y: y ?? null, sampleWeight: sampleWeight ?? null };
        step++;
      }
      known ??= step;
    },
  };
}
