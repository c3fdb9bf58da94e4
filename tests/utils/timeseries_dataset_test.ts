import assert from "node:assert/strict";
import { tf, timeseriesDatasetFromArray } from "../../mod.ts";

const rows = (ds: Iterable<[tf.Tensor, tf.Tensor]>) => {
  const out: [unknown, unknown][] = [];
  for (const [x, y] of ds) out.push([x.arraySync(), y.arraySync()]);
  return out;
};

Deno.test("timeseriesDatasetFromArray pairs targets[i] with the window starting at i (Keras's docstring example)", () => {
  // Keras: data = arange(10); targets shifted by the sequence length.
  const data = Array.from({ length: 10 }, (_, i) => i);
  const before = tf.memory().numTensors;
  const ds = timeseriesDatasetFromArray(data.slice(0, -3), data.slice(3), 3, { batchSize: 2 });
  assert.deepEqual(rows(ds), [
    [[[0, 1, 2], [1, 2, 3]], [3, 4]],
    [[[2, 3, 4], [3, 4, 5]], [5, 6]],
    [[[4, 5, 6]], [7]],
  ]);
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("timeseriesDatasetFromArray strides, sampling rate, start and end indices (hand-derived windows)", () => {
  // 12 steps of 2 features: step t = [t, 100 + t]; targets t = 1000 + t.
  const data = tf.tensor2d(Array.from({ length: 12 }, (_, t) => [t, 100 + t]));
  const targets = Array.from({ length: 12 }, (_, t) => 1000 + t);
  const ds = timeseriesDatasetFromArray(data, targets, 3, {
    sequenceStride: 2,
    samplingRate: 2,
    startIndex: 1,
    endIndex: 10,
    batchSize: 10,
  });
  // Steps 1..9 usable; a window spans (3 - 1) · 2 = 4 steps: starts 1, 3, 5 (5 + 4 = 9 < 10).
  assert.deepEqual(rows(ds), [[
    [
      [[1, 101], [3, 103], [5, 105]],
      [[3, 103], [5, 105], [7, 107]],
      [[5, 105], [7, 107], [9, 109]],
    ],
    [1001, 1003, 1005],
  ]]);
  data.dispose();
});

Deno.test("timeseriesDatasetFromArray shuffles window starts as NumPy's RandomState(seed) and keeps int32", () => {
  const data = new Int32Array(10).map((_, i) => i);
  const ds = timeseriesDatasetFromArray(data, null, 1, { shuffle: true, seed: 0, batchSize: null });
  const starts: number[] = [];
  let dtype = "";
  for (const x of ds as unknown as Iterable<tf.Tensor>) {
    starts.push((x.arraySync() as number[])[0]);
    dtype = x.dtype;
  }
  // np.random.RandomState(0).permutation(10) = [2, 8, 4, 9, 1, 6, 7, 3, 0, 5]; then a buffer
  // shuffle (1024 > 10) reorders all of them each pass: the same set.
  assert.deepEqual(starts.sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(dtype, "int32");
});

Deno.test("timeseriesDatasetFromArray errors name the argument and the value", () => {
  const data = [1, 2, 3, 4, 5];
  assert.throws(
    () => timeseriesDatasetFromArray(data, null, 2, { samplingRate: 5 }),
    /"samplingRate" must be below the length of the data \(5\): received 5/,
  );
  assert.throws(
    () => timeseriesDatasetFromArray(data, null, 2, { startIndex: 3, endIndex: 2 }),
    /"endIndex" must be above startIndex \(3\): received 2/,
  );
  assert.throws(
    () => timeseriesDatasetFromArray(data, null, 0),
    /"sequenceLength" must be a positive integer: received 0/,
  );
  assert.throws(
    () => timeseriesDatasetFromArray(data, null, 2, { stride: 1 } as never),
    /"stride" is not an option/,
  );
});
