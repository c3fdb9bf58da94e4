import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import {
  AveragePooling1D,
  AveragePooling2D,
  AveragePooling3D,
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalAveragePooling3D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
  GlobalMaxPooling3D,
  MaxPooling1D,
  MaxPooling2D,
  MaxPooling3D,
} from "../../layers/mod.ts";
import { checkLayer } from "./_layer_check.ts";
import { RESAMPLE_REFERENCE } from "./_resample_reference.ts";
import { checkReferenceCase, onBackend } from "./_resample_check.ts";

const POOL_CASES = RESAMPLE_REFERENCE.filter((c) => c.layer.includes("Pooling"));

for (const backend of ["cpu", "kerno"]) {
  Deno.test(`3-D pooling and channels-first 2-D pooling equal PyTorch, values and input gradients, on ${backend}`, async () => {
    assert.ok(POOL_CASES.length >= 10);
    await onBackend(backend, () => POOL_CASES.forEach(checkReferenceCase));
  });
}

Deno.test("MaxPooling3D, AveragePooling3D and the 3-D global poolings pass the shared layer check", () => {
  checkLayer({
    make: () => new MaxPooling3D(),
    cls: MaxPooling3D,
    inputShape: [2, 4, 4, 2, 3],
    outputShape: [2, 2, 2, 1, 3],
    weights: 0,
    params: 0,
  });
  // same, pool [2, 3, 2], strides [2, 1, 3]: ceil(5/2), ceil(3/1), ceil(4/3)
  checkLayer({
    make: () => new AveragePooling3D([2, 3, 2], { strides: [2, 1, 3], padding: "same" }),
    cls: AveragePooling3D,
    inputShape: [1, 5, 3, 4, 2],
    outputShape: [1, 3, 3, 2, 2],
    weights: 0,
    params: 0,
  });
  checkLayer({
    make: () => new MaxPooling3D(2, { padding: "same", dataFormat: "channels_first" }),
    cls: MaxPooling3D,
    inputShape: [1, 2, 3, 3, 5],
    outputShape: [1, 2, 2, 2, 3],
    weights: 0,
    params: 0,
  });
  for (const cls of [GlobalAveragePooling3D, GlobalMaxPooling3D]) {
    checkLayer({
      make: () => new cls(),
      cls,
      inputShape: [2, 2, 3, 2, 4],
      outputShape: [2, 4],
      weights: 0,
      params: 0,
    });
    checkLayer({
      make: () => new cls({ keepdims: true, dataFormat: "channels_first" }),
      cls,
      inputShape: [2, 4, 2, 3, 2],
      outputShape: [2, 4, 1, 1, 1],
      weights: 0,
      params: 0,
    });
  }
});

Deno.test("2-D pooling layers take channels first and pass the shared layer check", () => {
  checkLayer({
    make: () => new MaxPooling2D({ poolSize: [2, 3], strides: 1, dataFormat: "channels_first" }),
    cls: MaxPooling2D,
    inputShape: [2, 3, 4, 5],
    outputShape: [2, 3, 3, 3],
    weights: 0,
    params: 0,
  });
  checkLayer({
    make: () => new AveragePooling2D(2, { padding: "same", dataFormat: "channels_first" }),
    cls: AveragePooling2D,
    inputShape: [1, 2, 5, 3],
    outputShape: [1, 2, 3, 2],
    weights: 0,
    params: 0,
  });
  for (const cls of [GlobalAveragePooling2D, GlobalMaxPooling2D]) {
    checkLayer({
      make: () => new cls({ dataFormat: "channels_first" }),
      cls,
      inputShape: [2, 3, 4, 2],
      outputShape: [2, 3],
      weights: 0,
      params: 0,
    });
  }
});

Deno.test("Pooling layers compute hand-derived values with channels first", () => {
  const before = tf.memory().numTensors;
  // One image, two channels [[1, 5], [3, 2]] and [[0, -1], [7, 4]], channels first.
  const x = tf.tensor4d([1, 5, 3, 2, 0, -1, 7, 4], [1, 2, 2, 2]);
  const cf = { dataFormat: "channels_first" as const };
  const max = new MaxPooling2D(2, cf).apply(x);
  assert.deepEqual(max.arraySync(), [[[[5]], [[7]]]]);
  const avg = new AveragePooling2D(2, cf).apply(x);
  assert.deepEqual(avg.arraySync(), [[[[2.75]], [[2.5]]]]);
  const gavg = new GlobalAveragePooling2D(cf).apply(x);
  assert.deepEqual(gavg.arraySync(), [[2.75, 2.5]]);
  const gmax = new GlobalMaxPooling2D({ ...cf, keepdims: true }).apply(x);
  assert.deepEqual(gmax.arraySync(), [[[[5]], [[7]]]]);
  // 1-D, channels first: [batch, channels, steps]
  const seq = tf.tensor3d([[[1, 3, 2, 8], [4, 0, 6, 5]]]);
  const max1 = new MaxPooling1D(2, cf).apply(seq);
  assert.deepEqual(max1.arraySync(), [[[3, 8], [4, 6]]]);
  const avg1 = new AveragePooling1D(3, { ...cf, strides: 1 }).apply(seq);
  // windows (1, 3, 2), (3, 2, 8) and (4, 0, 6), (0, 6, 5), as float32
  const means = [[6 / 3, 13 / 3], [10 / 3, 11 / 3]].map((row) => row.map(Math.fround));
  assert.deepEqual(avg1.arraySync(), [means]);
  const g1 = new GlobalMaxPooling1D(cf).apply(seq);
  assert.deepEqual(g1.arraySync(), [[8, 6]]);
  tf.dispose([x, max, avg, gavg, gmax, seq, max1, avg1, g1]);
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("GlobalAveragePooling1D with channels first averages only unmasked steps", () => {
  const before = tf.memory().numTensors;
  const seq = tf.tensor3d([[[1, 3, 100], [4, 0, 100]]]); // [batch, channels, steps]
  const mask = tf.tensor2d([[1, 1, 0]], [1, 3], "bool");
  const y = new GlobalAveragePooling1D({ dataFormat: "channels_first" }).apply(seq, { mask });
  assert.deepEqual(y.arraySync(), [[2, 2]]);
  tf.dispose([seq, mask, y]);
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("3-D pooling: hand-derived windows, 'same' averages count only real positions, NaN wins max", () => {
  const before = tf.memory().numTensors;
  // [1, 2, 2, 3, 1]: values 0..11; pool 2, same: output [1, 1, 1, 2, 1]
  const x = tf.tidy(() => tf.reshape(tf.range(0, 12), [1, 2, 2, 3, 1]));
  const max = new MaxPooling3D(2, { padding: "same" }).apply(x);
  // windows over columns {0, 1} and {2} (the padded column 3 does not count)
  assert.deepEqual(Array.from(max.dataSync()), [10, 11]);
  const avg = new AveragePooling3D(2, { padding: "same" }).apply(x);
  // (0+1+3+4+6+7+9+10)/8 = 5; (2+5+8+11)/4 = 6.5
  assert.deepEqual(Array.from(avg.dataSync()), [5, 6.5]);
  const g = tf.grad((t: tf.Tensor) =>
    tf.sum(new AveragePooling3D(2, { padding: "same" }).apply(t))
  )(x);
  assert.deepEqual(Array.from(g.dataSync()), [
    1 / 8,
    1 / 8,
    1 / 4,
    1 / 8,
    1 / 8,
    1 / 4,
    1 / 8,
    1 / 8,
    1 / 4,
    1 / 8,
    1 / 8,
    1 / 4,
  ]);
  const withNaN = tf.tensor5d([1, NaN, 3, 4, 5, 6, 7, 8], [1, 2, 2, 2, 1]);
  const m = new MaxPooling3D().apply(withNaN);
  assert.ok(Number.isNaN(m.dataSync()[0]));
  const gavg = new GlobalAveragePooling3D().apply(x);
  assert.deepEqual(Array.from(gavg.dataSync()), [5.5]);
  const gmax = new GlobalMaxPooling3D({ keepdims: true }).apply(x);
  assert.deepEqual(gmax.shape, [1, 1, 1, 1, 1]);
  tf.dispose([x, max, avg, g, withNaN, m, gavg, gmax]);
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("Pooling layers refuse a 'valid' window larger than the input, naming the layer, pool and shape", () => {
  const x = tf.zeros([1, 2, 5, 5, 1]);
  assert.throws(
    () => new MaxPooling3D(3).apply(x),
    /Cannot apply max_pooling3d\S* \(MaxPooling3D\) as "poolSize" \[3,3,3\] is larger than the input along spatial axis 0 \(2 positions, padding "valid"\): the input shape is \(None, 2, 5, 5, 1\); use a smaller pool or padding "same"/,
  );
  const same = new MaxPooling3D(3, { padding: "same" }).apply(x);
  assert.deepEqual(same.shape, [1, 1, 2, 2, 1]);
  const img = tf.zeros([1, 3, 3, 4]);
  assert.throws(
    () => new AveragePooling2D(4, { dataFormat: "channels_first" }).apply(img),
    /\(AveragePooling2D\) as "poolSize" \[4,4\] is larger than the input along spatial axis 0 \(3 positions/,
  );
  assert.throws(
    () => new AveragePooling2D(4).computeOutputShape([null, 3, 8, 1]),
    /larger than the input/,
  );
  assert.throws(
    () => new MaxPooling3D().apply(tf.zeros([1, 4, 4, 4])),
    /as its input must have rank 5 \(batch, dim1, dim2, dim3, channels\): received \(None, 4, 4, 4\)/,
  );
  assert.throws(
    () => new GlobalMaxPooling3D({ dataFormat: "channels_first" }).apply(tf.zeros([1, 4, 4])),
    /must have rank 5 \(batch, channels, dim1, dim2, dim3\)/,
  );
  assert.throws(
    () => new MaxPooling3D({ poolSize: [2, 2] }),
    /"poolSize" must be a positive integer or a list of 3/,
  );
  assert.throws(
    () => new GlobalAveragePooling2D({ dataFormat: "NCHW" as "channels_first" }),
    /"dataFormat" must be one of "channels_last", "channels_first": received "NCHW"/,
  );
  tf.dispose([x, same, img]);
});

Deno.test("Pooling configs carry dataFormat as Keras 3 does", () => {
  const { name: _, ...config } = new MaxPooling3D([2, 2, 1]).getConfig();
  assert.deepEqual(config, {
    trainable: true,
    poolSize: [2, 2, 1],
    strides: [2, 2, 1],
    padding: "valid",
    dataFormat: "channels_last",
  });
  const g = new GlobalAveragePooling3D({ dataFormat: "channels_first" });
  assert.equal(GlobalAveragePooling3D.fromConfig(g.getConfig()).dataFormat, "channels_first");
  assert.deepEqual(
    new AveragePooling3D(2, { dataFormat: "channels_first" }).computeOutputShape([
      null,
      3,
      4,
      null,
      6,
    ]),
    [null, 3, 2, null, 3],
  );
});
