/**
 * Conv1DTranspose, Conv2DTranspose and Conv3DTranspose: the shared layer
 * check (shapes, weights, config round trip, gradients by finite
 * differences), Keras's output sizes, hand-derived values, channels_first,
 * and the errors. PyTorch's numbers are pinned in conv_reference_test.ts.
 */
import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { Conv1DTranspose, Conv2DTranspose, Conv3DTranspose } from "../../layers/mod.ts";
import { checkLayer } from "./_layer_check.ts";

Deno.test("Conv1DTranspose passes the shared layer check", () => {
  // kernel 3·4·2 = 24, bias 4; same, stride 2: 5 → 10
  checkLayer({
    make: () => new Conv1DTranspose(4, 3, { strides: 2, padding: "same" }),
    cls: Conv1DTranspose,
    inputShape: [2, 5, 2],
    outputShape: [2, 10, 4],
    weights: 2,
    params: 28,
  });
  // valid, stride 3, outputPadding 2: (4 − 1)·3 + 2 + 2 = 13
  checkLayer({
    make: () => new Conv1DTranspose(2, 2, { strides: 3, outputPadding: 2, useBias: false }),
    cls: Conv1DTranspose,
    inputShape: [1, 4, 3],
    outputShape: [1, 13, 2],
    weights: 1,
    params: 12,
  });
});

Deno.test("Conv2DTranspose passes the shared layer check", () => {
  // kernel 3·3·3·2 = 54, bias 3; same, stride 2: 4x3 → 8x6
  checkLayer({
    make: () => new Conv2DTranspose(3, 3, { strides: 2, padding: "same", activation: "tanh" }),
    cls: Conv2DTranspose,
    inputShape: [2, 4, 3, 2],
    outputShape: [2, 8, 6, 3],
    weights: 2,
    params: 57,
  });
  // valid, dilation 2: span 5 → 4 + 4 = 8 rows; kernel width 2 → 3 + 1 = 4 columns
  checkLayer({
    make: () => new Conv2DTranspose(2, [3, 2], { dilationRate: [2, 1], activation: "tanh" }),
    cls: Conv2DTranspose,
    inputShape: [1, 4, 3, 2],
    outputShape: [1, 8, 4, 2],
    weights: 2,
    params: 26,
  });
  // channels_first: [batch, channels, rows, cols]
  checkLayer({
    make: () =>
      new Conv2DTranspose(2, 2, { strides: 2, dataFormat: "channels_first", outputPadding: 1 }),
    cls: Conv2DTranspose,
    inputShape: [1, 3, 3, 4],
    outputShape: [1, 2, 7, 9],
    weights: 2,
    params: 26,
  });
});

Deno.test("Conv3DTranspose passes the shared layer check", () => {
  // kernel 2·2·2·2·3 = 48, bias 2; valid, stride 2: 2x3x2 → 4x6x4
  checkLayer({
    make: () => new Conv3DTranspose(2, 2, { strides: 2 }),
    cls: Conv3DTranspose,
    inputShape: [1, 2, 3, 2, 3],
    outputShape: [1, 4, 6, 4, 2],
    weights: 2,
    params: 50,
  });
});

Deno.test("Conv1DTranspose places the taps as Keras (hand-derived)", () => {
  const before = tf.memory().numTensors;
  const x = tf.tensor3d([1, 2, 3], [1, 3, 1]);
  // valid, k 2, stride 2: each step copied twice
  const valid = new Conv1DTranspose(1, 2, { strides: 2, kernelInitializer: "ones" });
  const y = valid.apply(x);
  assert.deepEqual(Array.from(y.dataSync()), [1, 1, 2, 2, 3, 3]);
  // same, k 3, stride 2: output 6, step i at 2i, 2i+1, 2i+2 (nothing cropped in front), 7th dropped
  const same = new Conv1DTranspose(1, 3, {
    strides: 2,
    padding: "same",
    kernelInitializer: "ones",
    useBias: false,
  });
  const z = same.apply(x);
  assert.deepEqual(Array.from(z.dataSync()), [1, 1, 3, 2, 5, 3]);
  // same, k 3, stride 1: the middle tap on the step itself (one cropped in front)
  const one = new Conv1DTranspose(1, 3, { padding: "same", kernelInitializer: "ones" });
  const w = one.apply(x);
  assert.deepEqual(Array.from(w.dataSync()), [3, 6, 5]);
  tf.dispose([x, y, z, w]);
  [valid, same, one].forEach((l) => l.dispose());
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("Conv2DTranspose output sizes follow Keras's formula", () => {
  // [padding, strides, kernel, outputPadding, dilation] → size of a 5-long axis
  const cases: [string, number, number, number | null, number, number][] = [
    ["same", 2, 3, null, 1, 10],
    ["valid", 2, 3, null, 1, 11],
    ["valid", 3, 2, null, 1, 15], // (5 − 1)·3 + max(2, 3)
    ["same", 2, 3, 0, 1, 9], // (5 − 1)·2 + 3 % 2 + 0
    ["same", 3, 4, 2, 1, 14], // 12 + 0 + 2
    ["valid", 2, 3, 1, 1, 12],
    ["same", 1, 3, null, 2, 5],
    ["valid", 1, 3, null, 2, 9], // 4 + 5
  ];
  for (const [padding, strides, k, outputPadding, dilationRate, n] of cases) {
    const layer = new Conv2DTranspose(2, k, {
      padding: padding as "same" | "valid",
      strides,
      outputPadding,
      dilationRate,
    });
    assert.deepEqual(layer.computeOutputShape([null, 5, 5, 1]), [null, n, n, 2], padding);
    const x = tf.zeros([1, 5, 5, 1]);
    const y = layer.apply(x);
    assert.deepEqual(y.shape, [1, n, n, 2]);
    tf.dispose([x, y]);
    layer.dispose();
  }
});

Deno.test("Conv2DTranspose channels_first equals channels_last on transposed data", () => {
  const before = tf.memory().numTensors;
  const x = tf.randomNormal([2, 3, 4, 5], 0, 1, "float32", 4); // NHWC
  const last = new Conv2DTranspose(2, 3, { strides: 2, padding: "same" });
  const first = new Conv2DTranspose(2, 3, {
    strides: 2,
    padding: "same",
    dataFormat: "channels_first",
  });
  const y = last.apply(x);
  const xFirst = tf.transpose(x, [0, 3, 1, 2]);
  first.apply(xFirst).dispose();
  const weights = last.getWeights();
  first.setWeights(weights);
  const z = first.apply(xFirst);
  assert.deepEqual(z.shape, [2, 2, 6, 8]);
  const back = tf.transpose(z, [0, 2, 3, 1]);
  const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(back, y))).dataSync()[0]);
  assert.ok(diff < 1e-5, `max difference ${diff}`);
  tf.dispose([x, y, xFirst, z, back, ...weights]);
  last.dispose();
  first.dispose();
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("the transposed convolutions refuse bad options and inputs, naming layer, argument and shapes", () => {
  assert.throws(
    () => new Conv2DTranspose(2, 3, { strides: 2, outputPadding: 2 }),
    /Cannot build Conv2DTranspose as "outputPadding" must be smaller than "strides" along each axis: received outputPadding \[2,2\] and strides \[2,2\]/,
  );
  assert.throws(
    () => new Conv3DTranspose(2, 3, { strides: [2, 1, 2], outputPadding: [1, 1, 0] }),
    /"outputPadding" must be smaller than "strides".*\[1,1,0\].*\[2,1,2\]/,
  );
  assert.throws(
    () => new Conv1DTranspose(2, 3, { outputPadding: -1 }),
    /"outputPadding" must be a non-negative integer or a list of one: received -1/,
  );
  assert.throws(() => new Conv2DTranspose(2, 3, { padding: "causal" as "same" }), RangeError);
  assert.throws(() => new Conv2DTranspose(0, 3), /"filters" must be a positive integer/);
  assert.throws(
    () => new Conv2DTranspose(2, 3, { dataFormat: "nchw" as "channels_first" }),
    /"dataFormat" must be one of "channels_last", "channels_first"/,
  );
  const layer = new Conv2DTranspose(2, 3);
  assert.throws(
    () => layer.build([null, 5, 5, null]),
    /Cannot build conv2d_transpose\w* \(Conv2DTranspose\) as the channels of its input must be known at build time.*received input shape \[,5,5,\]/,
  );
  const x = tf.zeros([2, 5, 5]);
  assert.throws(() => new Conv2DTranspose(2, 3).apply(x), /must have rank 4/);
  x.dispose();
});

Deno.test("the transposed convolutions' configs hold Keras's options", () => {
  const layer = new Conv2DTranspose(4, [3, 2], {
    strides: [2, 1],
    padding: "same",
    outputPadding: [1, 0],
    dataFormat: "channels_first",
    activation: "relu",
  });
  const config = layer.getConfig();
  assert.deepEqual(
    [
      config.filters,
      config.kernelSize,
      config.strides,
      config.padding,
      config.outputPadding,
      config.dataFormat,
      config.dilationRate,
    ],
    [4, [3, 2], [2, 1], "same", [1, 0], "channels_first", [1, 1]],
  );
  assert.equal(new Conv1DTranspose(2, 3).getConfig().outputPadding, null);
});
