import assert from "node:assert/strict";
import { Dataset, layers, loadModel, Sequential, tf } from "../../mod.ts";

const { Normalization } = layers;

function close(actual: unknown, expected: number[] | number[][], tol = 1e-5): void {
  const a = (actual as number[]).flat(3) as number[];
  const e = expected.flat(3) as number[];
  assert.equal(a.length, e.length);
  a.forEach((v, i) => assert.ok(Math.abs(v - e[i]) <= tol, `[${i}] ${v} vs ${e[i]}`));
}

Deno.test("Normalization.adapt then apply, as Keras's docs (axis null, axis -1, invert)", () => {
  const before = tf.memory().numTensors;
  const global = new Normalization({ axis: null });
  global.adapt([1, 2, 3, 4, 5]);
  const x1 = tf.tensor1d([1, 2, 3]);
  const y1 = global.apply(x1);
  close(y1.arraySync(), [-Math.SQRT2, -Math.SQRT1_2, 0]);
  const data = [[0, 7, 4], [2, 9, 6], [0, 7, 4], [2, 9, 6]];
  const perFeature = new Normalization();
  perFeature.adapt(data);
  const x2 = tf.tensor2d([[0, 7, 4]]);
  const y2 = perFeature.apply(x2);
  close(y2.arraySync(), [[-1, -1, -1]]);
  const inverse = new Normalization({ invert: true });
  const adaptData = tf.tensor2d(data);
  inverse.adapt(adaptData);
  const x3 = tf.tensor2d([[1, 2, 3]]);
  const y3 = inverse.apply(x3);
  close(y3.arraySync(), [[2, 10, 8]]);
  assert.deepEqual(perFeature.weights.map((w) => w.shape), [[3], [3], []]);
  assert.equal(perFeature.trainableWeights.length, 0);
  tf.dispose([x1, y1, x2, y2, x3, y3, adaptData]);
  [global, perFeature, inverse].forEach((l) => l.dispose());
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("Normalization with a given mean and variance broadcasts them; config round trip", () => {
  const layer = new Normalization({ mean: 3, variance: 2 });
  const x = tf.tensor2d([[1], [2], [3]]);
  const y = layer.apply(x);
  close(y.arraySync(), [[-Math.SQRT2], [-Math.SQRT1_2], [0]]);
  const again = Normalization.fromConfig(JSON.parse(JSON.stringify(layer.getConfig())));
  const y2 = again.apply(x);
  assert.deepEqual(y2.arraySync(), y.arraySync());
  const perAxis = new Normalization({ mean: [1, 2], variance: [4, 16] });
  const x2 = tf.tensor2d([[3, 6]]);
  const y3 = perAxis.apply(x2);
  close(y3.arraySync(), [[1, 1]]);
  tf.dispose([x, y, y2, x2, y3]);
  [layer, again, perAxis].forEach((l) => l.dispose());
});

Deno.test("Normalization.adapt streams batches (Chan's update) exactly: 10,000 + 0..9, any batch size", () => {
  const rows = Array.from({ length: 10 }, (_, i) => [10000 + i, -3 * i]);
  for (const batchSize of [1, 3, 7, 100]) {
    const layer = new Normalization();
    layer.adapt(rows, { batchSize });
    // mean of 0..9 is 4.5 and its variance (n² − 1)/12 = 8.25; times -3: 9 · 8.25.
    close(layer.adaptMean!.arraySync() as number[], [10004.5, -13.5], 1e-3);
    close(layer.adaptVariance!.arraySync() as number[], [8.25, 74.25], 1e-4);
    layer.dispose();
  }
  const ds = Dataset.fromArrays(rows).batch(4);
  const fromDataset = new Normalization();
  fromDataset.adapt(ds);
  close(fromDataset.adaptMean!.arraySync() as number[], [10004.5, -13.5], 1e-3);
  fromDataset.dispose();
  const steps = new Normalization();
  steps.adapt(rows, { batchSize: 5, steps: 1 }); // the first 5 rows only
  close(steps.adaptMean!.arraySync() as number[], [10002, -6], 1e-3);
  steps.dispose();
});

Deno.test("Normalization keeps several axes: axis [1, 2] over [n, 2, 3]", () => {
  const x = tf.tensor3d(
    Array.from(
      { length: 4 },
      (_, i) => [[0, 100, 200], [10, 110, 210]].map((r) => r.map((v) => v + i)),
    ),
  );
  const layer = new Normalization({ axis: [1, 2] });
  layer.adapt(x, { batchSize: 3 });
  close(layer.adaptMean!.arraySync() as number[][], [[1.5, 101.5, 201.5], [11.5, 111.5, 211.5]]);
  close(layer.adaptVariance!.arraySync() as number[][], [[1.25, 1.25, 1.25], [1.25, 1.25, 1.25]]);
  x.dispose();
  layer.dispose();
});

Deno.test("Normalization errors: empty data, not adapted, strings, mean without variance, batch axis", () => {
  const layer = new Normalization();
  assert.throws(() => layer.adapt([]), /Cannot adapt normalization.*"data" holds no values/);
  const x = tf.tensor2d([[1, 2]]);
  assert.throws(
    () => new Normalization().apply(x),
    /has no mean and variance yet: call adapt\(data\) first/,
  );
  assert.throws(() => new Normalization().adapt([["a"]]), /must hold numbers: received strings/);
  const s = tf.tensor([["a"]]);
  const given = new Normalization({ mean: 0, variance: 1 });
  assert.throws(() => given.apply(s), /input must hold numbers: received a string tensor/);
  assert.throws(() => given.adapt([[1]]), /given "mean" and "variance"/);
  assert.throws(() => new Normalization({ mean: 1 }), /"variance".*both/);
  assert.throws(() => new Normalization().adapt([1, 2, 3]), /keeps the batch axis.*axis: null/);
  const built = new Normalization();
  built.adapt([[1, 2]]);
  assert.throws(
    () => built.adapt([[1, 2, 3]]),
    /expected \(None, 2\), received a batch of shape \[1,3\]/,
  );
  tf.dispose([x, s]);
  given.dispose();
  built.dispose();
});

Deno.test("Normalization in a model round-trips its adapted mean and variance in both formats", async () => {
  const norm = new Normalization({ inputShape: [2] });
  norm.adapt([[1, 10], [3, 30]]);
  const model = new Sequential([norm, new layers.Dense(1, { kernelInitializer: "ones" })]);
  const x = tf.tensor2d([[2, 20], [5, 0]]);
  const want = (model.predict(x) as tf.Tensor).arraySync();
  const dir = await Deno.makeTempDir({ prefix: "kerno-norm-" });
  try {
    for (const path of [`${dir}/m`, `${dir}/m.keras`]) {
      await model.save(path);
      const again = await loadModel(path);
      const got = again.predict(x) as tf.Tensor;
      assert.deepEqual(got.arraySync(), want, path);
      const loaded = again.layers[0] as layers.Normalization;
      assert.deepEqual(loaded.adaptMean!.arraySync(), [2, 20]);
      got.dispose();
      again.dispose();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  x.dispose();
  model.dispose();
});
