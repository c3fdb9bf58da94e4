import assert from "node:assert/strict";
import { Dataset, tf } from "../../mod.ts";

const ids = (ds: Iterable<tf.Tensor | tf.Tensor[]>) => {
  const out: number[][] = [];
  for (const e of ds) out.push(Array.from((Array.isArray(e) ? e[0] : e).dataSync()));
  return out;
};

Deno.test("Dataset.fromArrays yields samples in order, batches with a smaller last batch", () => {
  const x = [[0], [1], [2], [3], [4]];
  assert.deepEqual(ids(Dataset.fromArrays(x, [0, 1, 0, 1, 0])), [[0], [1], [2], [3], [4]]);
  assert.deepEqual(ids(Dataset.fromArrays(x, [0, 1, 0, 1, 0]).batch(2)), [[0, 1], [2, 3], [4]]);
  assert.deepEqual(ids(Dataset.fromArrays(x).batch(2, { dropRemainder: true })), [[0, 1], [2, 3]]);
  assert.deepEqual(ids(Dataset.fromArrays(x).batch(2).take(2)), [[0, 1], [2, 3]]);
  for (const [xb, yb] of Dataset.fromArrays(x, [0, 1, 0, 1, 0]).batch(2)) {
    assert.deepEqual(xb.shape.slice(1), [1]);
    assert.equal(yb.shape[0], xb.shape[0]);
  }
});

Deno.test("Dataset.shuffle is a permutation, repeatable by seed, and new every iteration", () => {
  const x = Array.from({ length: 20 }, (_, i) => [i]);
  const a = Dataset.fromArrays(x).shuffle(20, { seed: 3 }).batch(20);
  const first = ids(a)[0];
  const second = ids(a)[0];
  assert.deepEqual([...first].sort((p, q) => p - q), x.map((r) => r[0]));
  assert.notDeepEqual(first, second); // reshuffled each iteration, as tf.data does
  const b = Dataset.fromArrays(x).shuffle(20, { seed: 3 }).batch(20);
  assert.deepEqual(ids(b)[0], first); // same seed, same sequence of orders
  assert.deepEqual(ids(b)[0], second);
  // A buffer of 1 keeps the order.
  assert.deepEqual(ids(Dataset.fromArrays(x).shuffle(1).batch(20))[0], x.map((r) => r[0]));
});

Deno.test("Dataset.map transforms each element inside tf.tidy", () => {
  const ds = Dataset.fromArrays([[1], [2], [3]], [1, 0, 1]).batch(3).map((
    [x, y],
  ) => [tf.mul(x, 10), y]);
  assert.deepEqual(ids(ds), [[10, 20, 30]]);
  // Stages compose in any order: a mapped dataset shuffles (here its one batch).
  assert.deepEqual(ids(ds.shuffle(3, { seed: 1 })), [[10, 20, 30]]);
});

Deno.test("a Dataset loop frees each element's tensors when it moves on (no leaks)", () => {
  const ds = Dataset.fromArrays([[1], [2], [3], [4]], [1, 0, 1, 0]).shuffle(4, { seed: 1 }).batch(3)
    .map(([x, y]) => [tf.square(x), y]);
  const before = tf.memory().numTensors;
  let seen = 0;
  for (const [xb] of ds) {
    seen += xb.shape[0];
    assert.ok(!xb.isDisposed);
  }
  assert.equal(seen, 4);
  for (const _ of ds) break; // leaving early frees the element too
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("Dataset rejects bad arguments", () => {
  assert.throws(
    () => Dataset.fromArrays([[1], [2]], [1]),
    /"x" and "y" must hold as many samples: received 2 and 1/,
  );
  assert.throws(
    () => Dataset.fromArrays([[1]]).batch(0),
    /"size" must be a positive integer: received 0/,
  );
  assert.throws(
    () => Dataset.fromArrays([[1]]).shuffle(-1),
    /"bufferSize" must be a positive integer: received -1/,
  );
});
