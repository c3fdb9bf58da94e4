/**
 * SeparableConv1D and SeparableConv2D: the shared layer check, PyTorch's
 * numbers (a grouped convolution then a 1×1 one, forward and gradients,
 * `tools/torch_depthwise_reference.py`) on both backends, a hand-derived
 * value, the config and the errors.
 */
import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { SeparableConv1D, SeparableConv2D } from "../../layers/mod.ts";
import { checkLayer } from "./_layer_check.ts";
import { REFERENCE } from "./_depthwise_reference.ts";
import { checkReference } from "./_depthwise_check.ts";

Deno.test("SeparableConv2D passes the shared layer check", () => {
  // depthwise 3·3·2·2 = 36, pointwise 4·3 = 12, bias 3
  checkLayer({
    make: () => new SeparableConv2D(3, 3, { depthMultiplier: 2 }),
    cls: SeparableConv2D,
    inputShape: [2, 5, 5, 2],
    outputShape: [2, 3, 3, 3],
    weights: 3,
    params: 51,
  });
  // "same", strides 2, relu, channels first, no bias: depthwise 2·3·3 = 18, pointwise 3·4 = 12
  checkLayer({
    make: () =>
      new SeparableConv2D(4, [2, 3], {
        strides: 2,
        padding: "same",
        activation: "relu",
        dataFormat: "channels_first",
        useBias: false,
      }),
    cls: SeparableConv2D,
    inputShape: [1, 3, 5, 4],
    outputShape: [1, 4, 3, 2],
    weights: 2,
    params: 30,
  });
  // tanh (applied after the fused product), dilation 2: 7 − 5 + 1 = 3
  checkLayer({
    make: () => new SeparableConv2D(2, 3, { dilationRate: 2, activation: "tanh" }),
    cls: SeparableConv2D,
    inputShape: [1, 7, 7, 2],
    outputShape: [1, 3, 3, 2],
    weights: 3,
    params: 18 + 4 + 2,
  });
});

Deno.test("SeparableConv1D passes the shared layer check", () => {
  // depthwise 3·12·3 = 108, pointwise 36·4 = 144, bias 4
  checkLayer({
    make: () => new SeparableConv1D(4, 3, { depthMultiplier: 3, strides: 2 }),
    cls: SeparableConv1D,
    inputShape: [2, 10, 12],
    outputShape: [2, 4, 4],
    weights: 3,
    params: 256,
  });
});

for (const backend of ["cpu", "kerno"]) {
  Deno.test(`SeparableConv1D/2D equal PyTorch's grouped then 1x1 convolutions on ${backend}, gradients included`, async () => {
    const previous = tf.getBackend();
    await tf.setBackend(backend);
    try {
      for (const c of REFERENCE.filter((r) => r.kind === "separable")) checkReference(c);
    } finally {
      await tf.setBackend(previous);
    }
  });
}

Deno.test("SeparableConv2D mixes the depthwise outputs with the pointwise kernel: hand-derived", () => {
  const before = tf.memory().numTensors;
  // Two channels, the second 10× the first: [[1, 2], [3, 4]] and [[10, 20], [30, 40]].
  const x = tf.tensor4d([1, 10, 2, 20, 3, 30, 4, 40], [1, 2, 2, 2]);
  const layer = new SeparableConv2D(1, 2);
  layer.apply(x).dispose();
  const depthwise = tf.ones([2, 2, 2, 1]); // window sums: 10 and 100
  const pointwise = tf.tensor4d([2, -1], [1, 1, 2, 1]); // 2·10 − 1·100 = −80
  const bias = tf.tensor1d([5]);
  layer.setWeights([depthwise, pointwise, bias]);
  const y = layer.apply(x);
  assert.deepEqual(Array.from(y.dataSync()), [-75]);
  tf.dispose([x, depthwise, pointwise, bias, y]);
  layer.dispose();
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("SeparableConv2D's config names Keras's options, with defaults", () => {
  const layer = new SeparableConv2D(8, 3, { name: "sep", pointwiseRegularizer: "l2" });
  assert.deepEqual(layer.getConfig(), {
    name: "sep",
    trainable: true,
    filters: 8,
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
    pointwiseInitializer: "glorot_uniform",
    pointwiseRegularizer: "l2",
    pointwiseConstraint: null,
  });
  const x = tf.ones([1, 4, 4, 2]);
  layer.apply(x).dispose();
  const losses = layer.losses; // the pointwise kernel's L2 penalty
  assert.equal(losses.length, 1);
  tf.dispose([x, ...losses]);
  layer.dispose();
});

Deno.test("SeparableConv1D/2D refuse bad options, naming the layer, the argument and the shapes", () => {
  assert.throws(
    () => new SeparableConv2D(0, 3),
    /"filters" must be a positive integer: received 0/,
  );
  assert.throws(
    () => new SeparableConv2D(4, 3, { depthMultiplier: 0 }),
    /Cannot build SeparableConv2D as "depthMultiplier" must be a positive integer: received 0/,
  );
  assert.throws(
    () => new SeparableConv1D(4, 3, { pointwiseConstraint: "max_norm" as unknown as null }),
    /"pointwiseConstraint" must be null/,
  );
  assert.throws(
    () => new SeparableConv2D(4, 3, { kernelInitializer: "ones" } as never),
    /"kernelInitializer" is not an option/,
  );
  const layer = new SeparableConv1D(4, 3, { dataFormat: "channels_first", name: "sep1" });
  assert.throws(
    () => layer.build([null, null, 9]),
    /Cannot build sep1 \(SeparableConv1D\) as the channel axis of its input \(batch, channels, steps, "dataFormat" "channels_first"\) must be known to size the kernel: received \[null, null, 9\]/,
  );
  const x = tf.zeros([2, 3, 2]);
  assert.throws(
    () => layer.apply(x),
    /Cannot apply sep1 \(SeparableConv1D\) as its "kernelSize" \[3\] is larger than the input's spatial size \[2\] padded by "valid"/,
  );
  x.dispose();
  layer.dispose();
});
