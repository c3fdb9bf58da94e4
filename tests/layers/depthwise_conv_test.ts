/**
 * DepthwiseConv1D and DepthwiseConv2D: the shared layer check, PyTorch's
 * numbers (forward and gradients, `tools/torch_depthwise_reference.py`) on
 * both backends, hand-derived values (TensorFlow's asymmetric "same"
 * padding, channels kept apart), and the errors.
 */
import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { DepthwiseConv1D, DepthwiseConv2D } from "../../layers/mod.ts";
import { checkLayer } from "./_layer_check.ts";
import { REFERENCE } from "./_depthwise_reference.ts";
import { checkReference } from "./_depthwise_check.ts";

Deno.test("DepthwiseConv2D passes the shared layer check", () => {
  // kernel 3·3·2·2 = 36, bias 4
  checkLayer({
    make: () => new DepthwiseConv2D(3, { depthMultiplier: 2 }),
    cls: DepthwiseConv2D,
    inputShape: [2, 5, 5, 2],
    outputShape: [2, 3, 3, 4],
    weights: 2,
    params: 40,
  });
  // "same", strides 2, no bias, tanh: ceil(5/2) = 3, ceil(4/2) = 2; kernel 2·3·3 = 18
  checkLayer({
    make: () =>
      new DepthwiseConv2D([2, 3], {
        strides: 2,
        padding: "same",
        useBias: false,
        activation: "tanh",
      }),
    cls: DepthwiseConv2D,
    inputShape: [1, 5, 4, 3],
    outputShape: [1, 3, 2, 3],
    weights: 1,
    params: 18,
  });
  // channels first, dilation 2, relu: span 5 → 7 − 5 + 1 = 3 rows, 6 − 5 + 1 = 2 cols
  checkLayer({
    make: () =>
      new DepthwiseConv2D(3, {
        dilationRate: 2,
        dataFormat: "channels_first",
        activation: "relu",
        depthMultiplier: 3,
      }),
    cls: DepthwiseConv2D,
    inputShape: [1, 2, 7, 6],
    outputShape: [1, 6, 3, 2],
    weights: 2,
    params: 3 * 3 * 2 * 3 + 6,
  });
});

Deno.test("DepthwiseConv1D passes the shared layer check", () => {
  // Keras's docstring example: [4, 10, 12], k 3, multiplier 3, strides 2 → [4, 4, 36]
  checkLayer({
    make: () => new DepthwiseConv1D(3, { depthMultiplier: 3, strides: 2 }),
    cls: DepthwiseConv1D,
    inputShape: [4, 10, 12],
    outputShape: [4, 4, 36],
    weights: 2,
    params: 3 * 12 * 3 + 36,
  });
  checkLayer({
    make: () => new DepthwiseConv1D(4, { padding: "same", dataFormat: "channels_first" }),
    cls: DepthwiseConv1D,
    inputShape: [2, 3, 7],
    outputShape: [2, 3, 7],
    weights: 2,
    params: 4 * 3 + 3,
  });
});

for (const backend of ["cpu", "kerno"]) {
  Deno.test(`DepthwiseConv1D/2D equal PyTorch's grouped convolutions on ${backend}, gradients included`, async () => {
    const previous = tf.getBackend();
    await tf.setBackend(backend);
    try {
      for (const c of REFERENCE.filter((r) => r.kind === "depthwise")) checkReference(c);
    } finally {
      await tf.setBackend(previous);
    }
  });
}

Deno.test("DepthwiseConv2D keeps channels apart: hand-derived window sums per kernel", () => {
  const before = tf.memory().numTensors;
  // Channel 1 is 10× channel 0: [[1, 2, 3], [4, 5, 6], [7, 8, 9]].
  const base = [1, 2, 3, 4, 5, 6, 7, 8, 9];
  const x = tf.tensor4d(base.flatMap((v) => [v, 10 * v]), [1, 3, 3, 2]);
  const layer = new DepthwiseConv2D(2, { depthMultiplier: 2 });
  layer.apply(x).dispose();
  // Kernel m of channel c is (m + 1) everywhere; bias [0.5, 0, 0, 0].
  const kernel = tf.tensor4d(Array.from({ length: 16 }, (_, i) => (i % 2) + 1), [2, 2, 2, 2]);
  const bias = tf.tensor1d([0.5, 0, 0, 0]);
  layer.setWeights([kernel, bias]);
  const y = layer.apply(x);
  // 2×2 window sums of the base image: 12, 16, 24, 28; outputs c·2 + m = (m + 1) · 10^c · sum
  const sums = [12, 16, 24, 28];
  assert.deepEqual(
    Array.from(y.dataSync()),
    sums.flatMap((s) => [s + 0.5, 2 * s, 10 * s, 20 * s]),
  );
  tf.dispose([x, kernel, bias, y]);
  layer.dispose();
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("DepthwiseConv1D pads 'same' as TensorFlow: the odd step at the end", () => {
  const before = tf.memory().numTensors;
  const x = tf.tensor3d([1, 2, 3, 4], [1, 4, 1]);
  // k = 2, stride 1: one zero of padding, after the last step (PyTorch's padding="same" also
  // puts it at the end for stride 1; k = 4 pads 1 before and 2 after).
  const two = new DepthwiseConv1D(2, { padding: "same", depthwiseInitializer: "ones" });
  const four = new DepthwiseConv1D(4, { padding: "same", depthwiseInitializer: "ones" });
  const y2 = two.apply(x);
  const y4 = four.apply(x);
  assert.deepEqual(Array.from(y2.dataSync()), [3, 5, 7, 4]);
  assert.deepEqual(Array.from(y4.dataSync()), [6, 10, 9, 7]); // [0,1,2,3], [1,2,3,4], [2,3,4,0], [3,4,0,0]
  // stride 2 over 5 steps with k = 2: out 3, total padding (3 − 1)·2 + 2 − 5 = 1, at the end
  const x5 = tf.tensor3d([1, 2, 3, 4, 5], [1, 5, 1]);
  const s2 = new DepthwiseConv1D(2, {
    padding: "same",
    strides: 2,
    depthwiseInitializer: "ones",
  });
  const y5 = s2.apply(x5);
  assert.deepEqual(Array.from(y5.dataSync()), [3, 7, 5]);
  tf.dispose([x, y2, y4, x5, y5]);
  [two, four, s2].forEach((l) => l.dispose());
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("DepthwiseConv2D's config names Keras's options, with defaults", () => {
  const layer = new DepthwiseConv2D(3, { name: "dw" });
  assert.deepEqual(layer.getConfig(), {
    name: "dw",
    trainable: true,
    kernelSize: [3, 3],
    strides: [1, 1],
    padding: "valid",
    dataFormat: "channels_last",
    dilationRate: [1, 1],
    depthMultiplier: 1,
    activation: "linear",
    useBias: true,
    depthwiseInitializer: "glorot_uniform",
    biasInitializer: "zeros",
    depthwiseConstraint: null,
    biasConstraint: null,
  });
});

Deno.test("DepthwiseConv1D/2D refuse bad options, naming the layer, the argument and the shapes", () => {
  for (const bad of [0, -1, 1.5, "2"]) {
    assert.throws(
      () => new DepthwiseConv2D(3, { depthMultiplier: bad as number }),
      /Cannot build DepthwiseConv2D as "depthMultiplier" must be a positive integer: received/,
    );
  }
  assert.throws(() => new DepthwiseConv2D(0), /"kernelSize" must be a positive integer/);
  assert.throws(
    () => new DepthwiseConv1D([3, 3]),
    /"kernelSize" must be a positive integer or a list of one/,
  );
  assert.throws(() => new DepthwiseConv1D(3, { padding: "causal" as "same" }), /"padding"/);
  assert.throws(
    () => new DepthwiseConv2D(3, { dataFormat: "NHWC" as "channels_last" }),
    /"dataFormat"/,
  );
  assert.throws(
    () => new DepthwiseConv2D(3, { strides: 2, dilationRate: 2 }),
    /cannot be combined/,
  );
  assert.throws(
    () => new DepthwiseConv2D(3, { depthwiseConstraint: "non_neg" as unknown as null }),
    /"depthwiseConstraint" must be null, as kerno has no weight constraints/,
  );
  assert.throws(
    () => new DepthwiseConv2D(3, { kernelSize: 3 } as never),
    /"kernelSize" is not an option/,
  );
  const unknownChannels = new DepthwiseConv2D(3, { name: "dw_unknown" });
  assert.throws(
    () => unknownChannels.build([null, 8, 8, null]),
    /Cannot build dw_unknown \(DepthwiseConv2D\) as the channel axis of its input \(batch, rows, cols, channels, "dataFormat" "channels_last"\) must be known to size the kernel: received \[null, 8, 8, null\]/,
  );
  const first = new DepthwiseConv2D(3, { dataFormat: "channels_first", name: "dw_first" });
  assert.throws(() => first.build([null, null, 8, 8]), /dw_first.*received \[null, null, 8, 8\]/);
  const x = tf.zeros([1, 4, 6, 2]);
  const big = new DepthwiseConv2D([5, 3], { name: "dw_big" });
  assert.throws(
    () => big.apply(x),
    /Cannot apply dw_big \(DepthwiseConv2D\) as its "kernelSize" \[5,3\] is larger than the input's spatial size \[4, 6\] padded by "valid"/,
  );
  const dilated = new DepthwiseConv1D(3, { dilationRate: 3, name: "dw_dilated" });
  const seq = tf.zeros([1, 6, 2]);
  assert.throws(() => dilated.apply(seq), /dw_dilated.*\(dilated by \[3\]: \[7\]\).*\[6\]/);
  // "same" never runs out of input.
  const same = new DepthwiseConv2D([5, 3], { padding: "same" });
  const y = same.apply(x);
  assert.deepEqual(y.shape, [1, 4, 6, 2]);
  assert.throws(
    () => new DepthwiseConv2D(3).apply(seq),
    /must have rank 4 \(batch, rows, cols, channels\)/,
  );
  tf.dispose([x, seq, y]);
  [big, dilated, same, unknownChannels, first].forEach((l) => l.dispose());
});
