import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { iris, trainTestSplit } from "../../datasets/mod.ts";

/** x rows [i, -i] and y = 10 i, so each row can be traced. */
function traceable(n: number): { x: tf.Tensor2D; y: tf.Tensor1D } {
  const rows = Array.from({ length: n }, (_, i) => [i, -i]);
  return { x: tf.tensor2d(rows), y: tf.tensor1d(rows.map(([i]) => 10 * i)) };
}

function disposeSplit(
  s: { xTrain: tf.Tensor; xTest: tf.Tensor; yTrain: tf.Tensor; yTest: tf.Tensor },
): void {
  tf.dispose([s.xTrain, s.xTest, s.yTrain, s.yTest]);
}

function classCounts(y: tf.Tensor): number[] {
  const out: number[] = [];
  for (const v of y.dataSync()) out[v] = (out[v] ?? 0) + 1;
  return out;
}

Deno.test("trainTestSplit puts ceil(testSize * n) samples in the test part", () => {
  const { x, y } = traceable(10);
  const before = tf.memory().numTensors;
  const s = trainTestSplit(x, y, { testSize: 0.25, seed: 1 });
  assert.equal(tf.memory().numTensors, before + 4, "only the four parts are new");
  assert.deepEqual(s.xTrain.shape, [7, 2]);
  assert.deepEqual(s.xTest.shape, [3, 2]);
  assert.deepEqual(s.yTrain.shape, [7]);
  assert.deepEqual(s.yTest.shape, [3]);
  disposeSplit(s);
  const d = trainTestSplit(x, y, { seed: 1 }); // default testSize 0.2
  assert.deepEqual(d.xTest.shape, [2, 2]);
  disposeSplit(d);
  tf.dispose([x, y]);
  assert.equal(tf.memory().numTensors, before - 2);
});

Deno.test("trainTestSplit keeps rows with their targets and uses every sample once", () => {
  const { x, y } = traceable(50);
  const s = trainTestSplit(x, y, { testSize: 0.3, seed: 9 });
  const ids = [
    ...s.xTrain.dataSync().filter((_, k) => k % 2 === 0),
    ...s.xTest.dataSync().filter((_, k) => k % 2 === 0),
  ];
  assert.deepEqual([...ids].sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i));
  const trainX = s.xTrain.arraySync() as number[][];
  const trainY = s.yTrain.arraySync() as number[];
  trainX.forEach(([i, minus], k) => {
    assert.equal(minus, -i);
    assert.equal(trainY[k], 10 * i);
  });
  assert.notDeepEqual(ids.slice(0, 35), Array.from({ length: 35 }, (_, i) => i), "shuffled");
  disposeSplit(s);
  tf.dispose([x, y]);
});

Deno.test("trainTestSplit is deterministic for a seed and follows Random(seed).permutation", async () => {
  const { Random } = await import("../../engine/random.ts");
  const { x, y } = traceable(20);
  const a = trainTestSplit(x, y, { seed: 42 });
  const b = trainTestSplit(x, y, { seed: 42 });
  const c = trainTestSplit(x, y, { seed: 43 });
  assert.deepEqual(a.yTrain.arraySync(), b.yTrain.arraySync());
  assert.deepEqual(a.yTest.arraySync(), b.yTest.arraySync());
  assert.notDeepEqual(a.yTrain.arraySync(), c.yTrain.arraySync());
  const perm = [...new Random(42).permutation(20)];
  assert.deepEqual(a.yTrain.arraySync(), perm.slice(0, 16).map((i) => 10 * i));
  assert.deepEqual(a.yTest.arraySync(), perm.slice(16).map((i) => 10 * i));
  [a, b, c].forEach(disposeSplit);
  tf.dispose([x, y]);
});

Deno.test("trainTestSplit without shuffle takes the last samples for testing", () => {
  const { x, y } = traceable(10);
  const s = trainTestSplit(x, y, { testSize: 0.3, shuffle: false });
  assert.deepEqual(s.yTrain.arraySync(), [0, 10, 20, 30, 40, 50, 60]);
  assert.deepEqual(s.yTest.arraySync(), [70, 80, 90]);
  disposeSplit(s);
  tf.dispose([x, y]);
});

Deno.test("trainTestSplit with stratify keeps class proportions", async () => {
  const labels = Array.from({ length: 100 }, (_, i) => (i < 80 ? 0 : 1));
  const x = tf.tensor2d(labels.map((_, i) => [i]));
  const y = tf.tensor1d(labels, "int32");
  for (const seed of [1, 2, 3]) {
    const s = trainTestSplit(x, y, { testSize: 0.25, seed, stratify: true });
    assert.deepEqual(classCounts(s.yTest), [20, 5]);
    assert.deepEqual(classCounts(s.yTrain), [60, 15]);
    disposeSplit(s);
  }
  tf.dispose([x, y]);

  const data = await iris();
  const s = trainTestSplit(data.x, data.y, { testSize: 0.2, seed: 5, stratify: true });
  assert.deepEqual(classCounts(s.yTest), [10, 10, 10]);
  assert.deepEqual(classCounts(s.yTrain), [40, 40, 40]);
  disposeSplit(s);
  const oneHot = tf.oneHot(data.y, 3);
  const h = trainTestSplit(data.x, oneHot, { testSize: 0.2, seed: 5, stratify: true });
  assert.deepEqual(h.yTest.sum(0).arraySync(), [10, 10, 10]);
  tf.dispose([data.x, data.y, oneHot, h.xTrain, h.xTest, h.yTrain, h.yTest]);
});

Deno.test("trainTestSplit with stratify shares rounding by largest remainder", () => {
  // classes of 5, 3 and 2 samples, 3 test samples: ideal 1.5, 0.9, 0.6 -> 1, 1, 1
  const labels = [0, 0, 0, 0, 0, 1, 1, 1, 2, 2];
  const x = tf.tensor2d(labels.map((_, i) => [i]));
  const y = tf.tensor1d(labels, "int32");
  const s = trainTestSplit(x, y, { testSize: 0.3, seed: 0, stratify: true });
  assert.deepEqual(classCounts(s.yTest), [1, 1, 1]);
  disposeSplit(s);
  tf.dispose([x, y]);
});

Deno.test("trainTestSplit rejects bad arguments with clear errors", () => {
  const { x, y } = traceable(10);
  const before = tf.memory().numTensors;
  for (const testSize of [0, 1, -0.1, 1.5, Number.NaN]) {
    assert.throws(() => trainTestSplit(x, y, { testSize }), RangeError);
  }
  assert.throws(
    () => trainTestSplit(x, y, { testSize: 2 }),
    { name: "RangeError", message: /"testSize" must be a fraction in \(0, 1\): received 2/ },
  );
  assert.throws(() => trainTestSplit(x, y, { testSize: "0.2" as unknown as number }), TypeError);
  const short = tf.tensor1d([1, 2, 3]);
  assert.throws(
    () => trainTestSplit(x, short),
    /equal first dimensions: received shapes \[10,2\] and \[3\]/,
  );
  assert.throws(() => trainTestSplit(x, y, { stratify: true, shuffle: false }), TypeError);
  assert.throws(() => trainTestSplit(x, y, { seed: Number.NaN }), TypeError);
  const lonely = tf.tensor1d([0, 0, 0, 0, 0, 0, 0, 0, 0, 1], "int32");
  assert.throws(() => trainTestSplit(x, lonely, { stratify: true }), /class 1 has 1/);
  const two = traceable(2);
  assert.throws(
    () => trainTestSplit(two.x, two.y, { testSize: 0.9 }),
    /leaves no training samples/,
  );
  tf.dispose([short, lonely, two.x, two.y]);
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([x, y]);
});
