/**
 * `Dataset.fromArrays`'s source: a stream of sample indices over in-memory
 * arrays, with the first `shuffle` and `batch` folded in, so that a batch is
 * gathered in one copy of its rows rather than stacked from single samples.
 *
 * @module
 */
import { tf } from "./tf.ts";
import { type DataTree, gatherRows } from "./data_adapter.ts";
import type { Random } from "./random.ts";
import type { Pipe } from "./_dataset_pipe.ts";

/** Where a pipe reads from in-memory arrays, with its first shuffle and batch folded in. */
export interface Arrays {
  x: DataTree;
  y: DataTree | null;
  shuffle: { bufferSize: number; random: () => Random } | null;
  batch: { size: number; dropRemainder: boolean } | null;
}

export function batchCount(c: number | null, size: number, drop: boolean): number | null {
  if (c === null || c === Infinity) return c;
  return drop ? Math.floor(c / size) : Math.ceil(c / size);
}

/** A pipe over in-memory arrays: an index stream, shuffled and grouped, gathered per element. */
export function arraysPipe(a: Arrays): Pipe {
  const n = a.x.numSamples;
  return {
    asyncReason: null,
    cardinality: a.batch ? batchCount(n, a.batch.size, a.batch.dropRemainder) : n,
    *open() {
      let indices: Iterable<number> = range(n);
      if (a.shuffle) {
        const r = a.shuffle.random();
        indices = shuffled(indices, a.shuffle.bufferSize, () => r.next());
      }
      const groups = a.batch
        ? batched(indices, a.batch.size, a.batch.dropRemainder)
        : singles(indices);
      for (const rows of groups) {
        yield tf.tidy(() => {
          const cut = (tree: DataTree) =>
            tree.build(tree.items.map((d) => {
              const t = gatherRows(d, rows);
              return a.batch ? t : tf.reshape(t, t.shape.slice(1));
            }));
          const x = cut(a.x);
          return (a.y ? [x, cut(a.y)] : x) as tf.TensorContainer;
        });
      }
    },
    async *openAsync() {
      yield* this.open();
    },
  };
}

function* range(n: number): Generator<number> {
  for (let i = 0; i < n; i++) yield i;
}

function* singles(items: Iterable<number>): Generator<Int32Array> {
  for (const i of items) yield Int32Array.of(i);
}

/** tf.data's buffered shuffle over indices. */
function* shuffled(
  items: Iterable<number>,
  bufferSize: number,
  next: () => number,
): Generator<number> {
  const buffer: number[] = [];
  for (const item of items) {
    if (buffer.length < bufferSize) {
      buffer.push(item);
      continue;
    }
    const j = Math.floor(next() * buffer.length);
    yield buffer[j];
    buffer[j] = item;
  }
  while (buffer.length > 0) {
    const j = Math.floor(next() * buffer.length);
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
