import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { conv2D, fusedConv2D } from "../../backend/kernels/conv2d.ts";
import {
  conv2DBackpropFilter,
  conv2DBackpropInput,
} from "../../backend/kernels/conv2d_backprop.ts";
import {
  assertClose,
  assertGradient,
  assertSameAsCpu,
  make,
  project,
  rand,
  runOn,
  skipWithoutBlas,
} from "./_helpers.ts";

const ignore = skipWithoutBlas("the convolutions' BLAS tests");
type Pad = "same" | "valid" | number;

Deno.test("KernoBackend registers kerno's convolution kernels", () => {
  assert.equal(tf.getKernel(tf.Conv2D, "kerno")?.kernelFunc, conv2D);
  assert.equal(tf.getKernel(tf.FusedConv2D, "kerno")?.kernelFunc, fusedConv2D);
  assert.equal(tf.getKernel(tf.Conv2DBackpropInput, "kerno")?.kernelFunc, conv2DBackpropInput);
  assert.equal(tf.getKernel(tf.Conv2DBackpropFilter, "kerno")?.kernelFunc, conv2DBackpropFilter);
});

// [x shape NHWC, filter shape, strides, pad, dilation]
const cases: [number[], number[], number | [number, number], Pad, number][] = [
  [[1, 1, 1, 1], [1, 1, 1, 1], 1, "valid", 1],
  [[2, 7, 7, 3], [3, 3, 3, 4], 1, "same", 1],
  [[2, 7, 7, 3], [3, 3, 3, 4], 1, "valid", 1],
  [[2, 7, 9, 3], [3, 2, 3, 5], 2, "same", 1],
  [[2, 7, 9, 3], [3, 2, 3, 5], [2, 3], "valid", 1],
  [[1, 9, 7, 2], [2, 3, 2, 1], 3, "same", 1],
  [[3, 5, 5, 16], [1, 1, 16, 7], 1, "valid", 1],
  [[1, 6, 6, 20], [1, 1, 20, 3], 2, "same", 1],
  [[2, 7, 7, 1], [3, 3, 1, 4], 1, "valid", 1],
  [[2, 7, 7, 1], [3, 3, 1, 4], 2, "same", 1],
  [[2, 7, 8, 1], [3, 2, 1, 3], [1, 2], "same", 1],
  [[1, 1, 1, 1], [3, 3, 1, 2], 1, "same", 1],
  [[2, 7, 7, 1], [3, 3, 1, 2], 1, "same", 2],
  [[2, 8, 8, 2], [3, 3, 2, 3], 1, "same", 2],
  [[2, 7, 7, 3], [3, 3, 3, 2], 1, 1, 1],
];

for (const [xShape, fShape, strides, pad, dilation] of cases) {
  const label =
    `x ${xShape}, filter ${fShape}, strides ${strides}, pad ${pad}, dilation ${dilation}`;
  Deno.test({
    name: `conv2D matches cpu for ${label}`,
    ignore,
    fn: async () => {
      const x = rand(xShape, 1);
      const w = rand(fShape, 2);
      const conv = (a: tf.Tensor, b: tf.Tensor) =>
        tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, pad, "NHWC", dilation);
      await assertSameAsCpu(() => conv(make(x), make(w)), 1e-5);
    },
  });
  if (dilation !== 1) continue;
  Deno.test({
    name: `conv2D gradients match cpu and finite differences for ${label}`,
    ignore,
    fn: async () => {
      const x = rand(xShape, 3);
      const w = rand(fShape, 4);
      const conv = (a: tf.Tensor, b: tf.Tensor) =>
        project(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, pad));
      await assertGradient((a) => conv(a, make(w)), x, 1e-4, 1e-2, "dx");
      await assertGradient((b) => conv(make(x), b), w, 1e-4, 1e-2, "dfilter");
    },
  });
}

Deno.test({
  name: "conv2D computes a hand-checked 3x3 'valid' sum",
  ignore,
  fn: async () => {
    const x = { shape: [1, 3, 3, 1], values: new Float32Array([1, 2, 3, 4, 5, 6, 7, 8, 9]) };
    const w = { shape: [2, 2, 1, 1], values: new Float32Array([1, 0, 0, 1]) };
    const { values } = await runOn(
      "kerno",
      () => tf.conv2d(make(x) as tf.Tensor4D, make(w) as tf.Tensor4D, 1, "valid"),
    );
    assert.deepEqual(Array.from(values[0]), [6, 8, 12, 14]);
  },
});

for (const activation of ["linear", "relu", "elu", "sigmoid", "leakyrelu", "prelu"]) {
  Deno.test({
    name: `fusedConv2D matches cpu with bias and ${activation}`,
    ignore,
    fn: async () => {
      const x = rand([2, 7, 7, 3], 5);
      const w = rand([3, 3, 3, 4], 6);
      const bias = rand([4], 7);
      await assertSameAsCpu(() =>
        tf.fused.conv2d({
          x: make(x) as tf.Tensor4D,
          filter: make(w) as tf.Tensor4D,
          strides: 2,
          pad: "same",
          bias: make(bias),
          activation: activation as tf.fused.Activation,
          preluActivationWeights: activation === "prelu" ? make(rand([4], 8)) : undefined,
          leakyreluAlpha: 0.25,
        }), 1e-5);
    },
  });
}

Deno.test({
  name: "conv1d (through Conv2D) and conv2dTranspose (Conv2DBackpropInput) match cpu",
  ignore,
  fn: async () => {
    const x = rand([2, 11, 3], 9);
    const w = rand([3, 3, 5], 10);
    await assertSameAsCpu(
      () => tf.conv1d(make(x) as tf.Tensor3D, make(w) as tf.Tensor3D, 2, "same"),
      1e-5,
    );
    await assertGradient(
      (f) => project(tf.conv1d(make(x) as tf.Tensor3D, f as tf.Tensor3D, 1, "valid")),
      w,
      1e-4,
      1e-2,
      "conv1d dfilter",
    );
    const y = rand([2, 4, 4, 5], 11);
    const f = rand([3, 3, 3, 5], 12);
    await assertSameAsCpu(
      () =>
        tf.conv2dTranspose(make(y) as tf.Tensor4D, make(f) as tf.Tensor4D, [2, 7, 7, 3], 2, "same"),
      1e-5,
    );
  },
});

Deno.test({
  name: "conv2D falls back to cpu for NCHW input",
  ignore,
  fn: async () => {
    const x = rand([1, 3, 5, 5], 13);
    const w = rand([3, 3, 3, 2], 14);
    const run = () => tf.conv2d(make(x) as tf.Tensor4D, make(w) as tf.Tensor4D, 1, "same", "NCHW");
    const cpu = await runOn("cpu", run).catch(() => null);
    if (cpu === null) return; // the cpu backend itself does not support NCHW here
    const kerno = await runOn("kerno", run);
    assertClose(kerno.values[0], cpu.values[0], 1e-5);
  },
});

Deno.test({
  name: "conv2D and its gradients without BLAS fall back to the cpu kernels",
  ignore: !ignore,
  fn: async () => {
    for (const [xShape, fShape, strides, pad, dilation] of cases) {
      const conv = (a: tf.Tensor, b: tf.Tensor) =>
        tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, pad, "NHWC", dilation);
      await assertSameAsCpu(() => conv(make(rand(xShape, 1)), make(rand(fShape, 2))), 1e-6);
    }
    const w = rand([3, 3, 3, 4], 2);
    await assertGradient(
      (a) => project(tf.conv2d(a as tf.Tensor4D, make(w) as tf.Tensor4D, 2, "same")),
      rand([2, 7, 7, 3], 1),
      1e-6,
    );
  },
});
