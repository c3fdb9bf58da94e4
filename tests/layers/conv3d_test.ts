/**
 * Conv3D, `groups` on Conv1D/Conv2D/Conv3D and `dataFormat:
 * "channels_first"`: the shared layer check, hand-derived values, the
 * grouped convolution against separate convolutions per group, and the
 * errors (kernel larger than the padded input, groups not dividing the
 * channels, channels unknown at build time). PyTorch's numbers are pinned in
 * conv_reference_test.ts.
 */
import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { Conv1D, Conv2D, Conv3D } from "../../layers/mod.ts";
import { checkLayer } from "./_layer_check.ts";

Deno.test("Conv3D passes the shared layer check", () => {
  // kernel 2·2·2·2·3 = 48, bias 3; valid: 3x4x3 → 2x3x2
  checkLayer({
    make: () => new Conv3D(3, 2),
    cls: Conv3D,
    inputShape: [2, 3, 4, 3, 2],
    outputShape: [2, 2, 3, 2, 3],
    weights: 2,
    params: 51,
  });
  // same, stride 2, relu: ceil(n / 2)
  checkLayer({
    make: () => new Conv3D(2, 3, { strides: 2, padding: "same", activation: "tanh" }),
    cls: Conv3D,
    inputShape: [1, 3, 5, 4, 1],
    outputShape: [1, 2, 3, 2, 2],
    weights: 2,
    params: 56,
  });
  // groups 2, channels_first: kernel 2·2·2·(4/2)·2 = 32
  checkLayer({
    make: () => new Conv3D(2, 2, { groups: 2, dataFormat: "channels_first", useBias: false }),
    cls: Conv3D,
    inputShape: [1, 4, 3, 3, 3],
    outputShape: [1, 2, 2, 2, 2],
    weights: 1,
    params: 32,
  });
});

Deno.test("grouped Conv1D and Conv2D pass the shared layer check", () => {
  // groups 2: kernel 3·(4/2)·6 = 36, bias 6
  checkLayer({
    make: () => new Conv1D(6, 3, { groups: 2, padding: "same", activation: "tanh" }),
    cls: Conv1D,
    inputShape: [2, 5, 4],
    outputShape: [2, 5, 6],
    weights: 2,
    params: 42,
  });
  // groups 3, causal, dilation 2
  checkLayer({
    make: () => new Conv1D(3, 2, { groups: 3, padding: "causal", dilationRate: 2 }),
    cls: Conv1D,
    inputShape: [1, 6, 3],
    outputShape: [1, 6, 3],
    weights: 2,
    params: 9,
  });
  // groups 2, stride 2: kernel 3·3·(4/2)·4 = 72, bias 4
  checkLayer({
    make: () => new Conv2D(4, 3, { groups: 2, strides: 2, padding: "same" }),
    cls: Conv2D,
    inputShape: [2, 5, 6, 4],
    outputShape: [2, 3, 3, 4],
    weights: 2,
    params: 76,
  });
  // channels_first Conv2D: [batch, 3, 5, 6] → [batch, 2, 3, 4]
  checkLayer({
    make: () => new Conv2D(2, 3, { dataFormat: "channels_first" }),
    cls: Conv2D,
    inputShape: [1, 3, 5, 6],
    outputShape: [1, 2, 3, 4],
    weights: 2,
    params: 56,
  });
});

Deno.test("Conv3D computes hand-derived window sums", () => {
  const before = tf.memory().numTensors;
  // 2x2x2 volume 1..8: a 2x2x2 kernel of ones sums it all (36), bias 1
  const x = tf.tensor5d([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 2, 2, 1]);
  const conv = new Conv3D(1, 2, { kernelInitializer: "ones", biasInitializer: "ones" });
  const y = conv.apply(x);
  assert.deepEqual(Array.from(y.dataSync()), [37]);
  // 'same' with a kernel of 3: each output sums its zero-padded 3x3x3 neighbourhood = all 8
  const same = new Conv3D(1, 3, { padding: "same", kernelInitializer: "ones", useBias: false });
  const z = same.apply(x);
  assert.deepEqual(Array.from(z.dataSync()), new Array(8).fill(36));
  tf.dispose([x, y, z]);
  conv.dispose();
  same.dispose();
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("a grouped Conv2D equals one convolution per group, concatenated", () => {
  const before = tf.memory().numTensors;
  const x = tf.randomNormal([2, 6, 5, 6], 0, 1, "float32", 1);
  const grouped = new Conv2D(4, 3, { groups: 2, padding: "same", biasInitializer: "ones" });
  const y = grouped.apply(x);
  const [kernel, bias] = grouped.getWeights(); // [3, 3, 3, 4], [4]
  const want = tf.tidy(() => {
    const [x0, x1] = tf.split(x, 2, 3);
    const [k0, k1] = tf.split(kernel, 2, 3);
    const parts = [
      tf.conv2d(x0 as tf.Tensor4D, k0 as tf.Tensor4D, 1, "same"),
      tf.conv2d(x1 as tf.Tensor4D, k1 as tf.Tensor4D, 1, "same"),
    ];
    return tf.add(tf.concat(parts, 3), bias);
  });
  const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(y, want))).dataSync()[0]);
  assert.ok(diff < 1e-5, `max difference ${diff}`);
  assert.deepEqual(kernel.shape, [3, 3, 3, 4]);
  tf.dispose([x, y, kernel, bias, want]);
  grouped.dispose();
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("the convolutions refuse bad groups, unknown channels and kernels larger than the input", () => {
  assert.throws(
    () => new Conv2D(3, 3, { groups: 2 }),
    /Cannot build Conv2D as "groups" must divide "filters": received groups 2 and filters 3/,
  );
  assert.throws(() => new Conv3D(4, 3, { groups: 0 }), /"groups" must be a positive integer/);
  const x = tf.zeros([1, 5, 5, 3]);
  assert.throws(
    () => new Conv2D(4, 3, { groups: 2 }).apply(x),
    /Cannot build conv2d\w* \(Conv2D\) as "groups" must divide the input's channels: received groups 2 and 3 channels \(input shape \[,5,5,3\]\)/,
  );
  assert.throws(
    () => new Conv2D(4, [6, 3]).apply(x),
    /Cannot apply conv2d\w* \(Conv2D\) as its kernel \[6,3\] \(span \[6,3\] with dilationRate \[1,1\]\) is larger than its padded input \[5,5\] \(padding "valid"\): received input shape \[,5,5,3\]/,
  );
  assert.throws(
    () => new Conv1D(2, 3, { dilationRate: 3 }).apply(tf.zeros([1, 6, 1])),
    /kernel \[3\] \(span \[7\] with dilationRate \[3\]\) is larger than its padded input \[6\]/,
  );
  assert.doesNotThrow(() => new Conv2D(4, 7, { padding: "same" }).apply(x).dispose());
  assert.throws(
    () => new Conv3D(2, 3).build([null, 5, 5, 5, null]),
    /Cannot build conv3d\w* \(Conv3D\) as the channels of its input must be known at build time \(batch, depth, rows, cols, channels, data format "channels_last"\): received input shape \[,5,5,5,\]/,
  );
  assert.throws(
    () => new Conv2D(2, 3, { dataFormat: "channels_first" }).build([null, null, 5, 5]),
    /channels of its input must be known.*data format "channels_first"/,
  );
  assert.throws(() => new Conv3D(2, 3).apply(x), /must have rank 5/);
  x.dispose();
});
