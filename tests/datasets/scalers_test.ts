import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { breastCancer, minMaxScale, standardize, trainTestSplit } from "../../datasets/mod.ts";

function assertAllClose(actual: number[], expected: number[], tol = 1e-5): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((v, i) =>
    assert.ok(Math.abs(v - expected[i]) <= tol, `${i}: ${v} vs ${expected[i]}`)
  );
}

/** Column means and population standard deviations, by hand. */
function columnMoments(rows: number[][]): { mean: number[]; std: number[] } {
  const n = rows.length;
  const mean = rows[0].map((_, j) => rows.reduce((s, r) => s + r[j], 0) / n);
  const std = rows[0].map((_, j) =>
    Math.sqrt(rows.reduce((s, r) => s + (r[j] - mean[j]) ** 2, 0) / n)
  );
  return { mean, std };
}

Deno.test("standardize fits mean and population std, guarding zero variance", () => {
  const x = tf.tensor2d([[1, 10], [3, 10], [5, 10]]);
  const before = tf.memory().numTensors;
  const scaler = standardize(x);
  assert.equal(tf.memory().numTensors, before, "fitting keeps no tensors");
  assertAllClose(scaler.mean, [3, 10]);
  assertAllClose(scaler.std, [Math.sqrt(8 / 3), 1]);
  const z = scaler.transform(x);
  assert.equal(tf.memory().numTensors, before + 1);
  const s = Math.sqrt(8 / 3);
  assertAllClose([...z.dataSync()], [-2 / s, 0, 0, 0, 2 / s, 0]);
  const back = scaler.inverseTransform(z);
  assertAllClose([...back.dataSync()], [1, 10, 3, 10, 5, 10]);
  tf.dispose([x, z, back]);
  assert.equal(tf.memory().numTensors, before - 1);
});

Deno.test("standardize fitted on the training part gives mean 0 and std 1 there only", async () => {
  const data = await breastCancer();
  const split = trainTestSplit(data.x, data.y, { seed: 3 });
  const scaler = standardize(split.xTrain);
  const trainRows = split.xTrain.arraySync();
  const truth = columnMoments(trainRows);
  assertAllClose(scaler.mean, truth.mean, 1e-3);
  assertAllClose(scaler.std, truth.std, 1e-3);
  const zTrain = scaler.transform(split.xTrain);
  const moments = columnMoments(zTrain.arraySync() as number[][]);
  assertAllClose(moments.mean, new Array(30).fill(0), 1e-4);
  assertAllClose(moments.std, new Array(30).fill(1), 1e-4);
  // the test part is scaled with the training statistics, not its own
  const zTest = scaler.transform(split.xTest);
  const testRows = split.xTest.arraySync();
  const expected = testRows.flatMap((r) => r.map((v, j) => (v - truth.mean[j]) / truth.std[j]));
  assertAllClose([...zTest.dataSync()], expected, 1e-3);
  const testMoments = columnMoments(zTest.arraySync() as number[][]);
  assert.ok(testMoments.mean.some((m) => Math.abs(m) > 1e-3), "test mean is not forced to 0");
  tf.dispose([data.x, data.y, split.xTrain, split.xTest, split.yTrain, split.yTest, zTrain, zTest]);
});

Deno.test("minMaxScale maps the training range to [0, 1] and constants to 0", () => {
  const x = tf.tensor2d([[0, 5, -1], [4, 5, 1], [2, 5, 0]]);
  const before = tf.memory().numTensors;
  const scaler = minMaxScale(x);
  assert.deepEqual(scaler.min, [0, 5, -1]);
  assert.deepEqual(scaler.max, [4, 5, 1]);
  const s = scaler.transform(x);
  assertAllClose([...s.dataSync()], [0, 0, 0, 1, 0, 1, 0.5, 0, 0.5]);
  const outside = tf.tensor2d([[8, 6, -3]]);
  const o = scaler.transform(outside);
  assertAllClose([...o.dataSync()], [2, 1, -1]);
  const back = scaler.inverseTransform(s);
  assertAllClose([...back.dataSync()], [0, 5, -1, 4, 5, 1, 2, 5, 0]);
  tf.dispose([s, outside, o, back]);
  assert.equal(tf.memory().numTensors, before);
  x.dispose();
});

Deno.test("standardize accepts integer and rank-1 data", () => {
  const ints = tf.tensor2d([[0, 2], [2, 4]], undefined, "int32");
  const z = standardize(ints).transform(ints);
  assert.equal(z.dtype, "float32");
  assertAllClose([...z.dataSync()], [-1, -1, 1, 1]);
  const y = tf.tensor1d([2, 4, 6]);
  const scaler = standardize(y);
  assertAllClose(scaler.mean, [4]);
  const zy = scaler.transform(y);
  assert.deepEqual(zy.shape, [3]);
  tf.dispose([ints, z, y, zy]);
});

Deno.test("standardize and minMaxScale reject wrong shapes and non-tensors", () => {
  const x = tf.tensor2d([[1, 2], [3, 4]]);
  const wide = tf.tensor2d([[1, 2, 3]]);
  const scalar = tf.scalar(1);
  const before = tf.memory().numTensors;
  assert.throws(() => standardize(x).transform(wide), {
    name: "RangeError",
    message: /must have 2 features along its last axis: received shape \[1,3\]/,
  });
  assert.throws(() => minMaxScale(x).inverseTransform(wide), RangeError);
  assert.throws(() => standardize([[1, 2]] as unknown as tf.Tensor), TypeError);
  assert.throws(() => minMaxScale(scalar), RangeError);
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([x, wide, scalar]);
});
