import assert from "node:assert/strict";
import { layers, loadModel, Sequential, tf } from "../../mod.ts";

const { Discretization } = layers;

Deno.test("Discretization with binBoundaries: NumPy digitize bins, as Keras's docs", () => {
  const before = tf.memory().numTensors;
  const layer = new Discretization({ binBoundaries: [0, 1, 2] });
  const x = tf.tensor2d([[-1.5, 1.0, 3.4, 0.5], [0.0, 3.0, 1.3, 0.0]]);
  const y = layer.apply(x);
  assert.equal(y.dtype, "int32");
  assert.deepEqual(y.arraySync(), [[0, 2, 3, 1], [1, 3, 2, 1]]);
  const oneHot = new Discretization({ binBoundaries: [0, 1], outputMode: "one_hot" });
  const x2 = tf.tensor2d([[-1], [0.5], [7]]);
  const y2 = oneHot.apply(x2);
  assert.deepEqual(y2.arraySync(), [[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
  const count = new Discretization({ binBoundaries: [0, 1], outputMode: "count" });
  const y3 = count.apply(x);
  assert.deepEqual(y3.arraySync(), [[1, 1, 2], [0, 2, 2]]);
  tf.dispose([x, y, x2, y2, y3]);
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("Discretization.adapt learns Keras's quantile boundaries (its docs' example)", () => {
  const data = [[-1.5, 1.0, 3.4, 0.5], [0.0, 3.0, 1.3, 0.0]];
  const layer = new Discretization({ numBins: 4, epsilon: 0.01 });
  layer.adapt(data);
  // Sorted: -1.5 0 0 0.5 1 1.3 3 3.4; the values at 2/8, 4/8, 6/8 of the cumulative weight.
  assert.deepEqual(layer.binBoundaries, [0, 0.5, Math.fround(1.3)]);
  const x = tf.tensor2d(data);
  const y = layer.apply(x);
  assert.deepEqual(y.arraySync(), [[0, 2, 3, 2], [1, 3, 3, 1]]);
  // Learned boundaries travel in the config, as Keras's.
  const again = Discretization.fromConfig(JSON.parse(JSON.stringify(layer.getConfig())));
  assert.deepEqual(again.binBoundaries, layer.binBoundaries);
  // Many values over several batches: quartiles of 0..9999 within epsilon.
  const big = new Discretization({ numBins: 4 });
  big.adapt(Float32Array.from({ length: 10000 }, (_, i) => i), { batchSize: 3000 });
  big.binBoundaries!.forEach((b, i) => assert.ok(Math.abs(b - 2500 * (i + 1)) < 200, `${b}`));
  tf.dispose([x, y]);
});

Deno.test("Discretization errors: neither option, not adapted, empty data, strings", () => {
  assert.throws(() => new Discretization(), /"binBoundaries" must be given, or "numBins"/);
  const x = tf.tensor2d([[1]]);
  assert.throws(
    () => new Discretization({ numBins: 3 }).apply(x),
    /no bin boundaries yet: call adapt/,
  );
  assert.throws(() => new Discretization({ numBins: 3 }).adapt([]), /holds no values/);
  assert.throws(() => new Discretization({ numBins: 3 }).adapt(["a"]), /must hold numbers/);
  assert.throws(
    () => new Discretization({ binBoundaries: [0] }).adapt([1]),
    /given "binBoundaries"/,
  );
  assert.throws(() => new Discretization({ binBoundaries: [2, 1] }), /sorted/);
  x.dispose();
});

Deno.test("Discretization in a model round-trips its learned boundaries in both formats", async () => {
  const bins = new Discretization({ numBins: 2, outputMode: "one_hot", inputShape: [1] });
  bins.adapt([[1], [2], [3], [4]]);
  const model = new Sequential([bins]);
  // Cumulative weights 1/4, 2/4, 3/4, 1 of 1, 2, 3, 4: the median boundary is 2.
  assert.deepEqual(bins.binBoundaries, [2]);
  const x = tf.tensor2d([[0], [1.9], [2]]);
  const want = (model.predict(x) as tf.Tensor).arraySync();
  assert.deepEqual(want, [[1, 0], [1, 0], [0, 1]]);
  const dir = await Deno.makeTempDir({ prefix: "kerno-disc-" });
  try {
    for (const path of [`${dir}/m`, `${dir}/m.keras`]) {
      await model.save(path);
      const again = await loadModel(path);
      const got = again.predict(x) as tf.Tensor;
      assert.deepEqual(got.arraySync(), want, path);
      got.dispose();
      again.dispose();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  x.dispose();
});
