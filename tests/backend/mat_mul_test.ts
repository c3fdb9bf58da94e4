import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { batchMatMul } from "../../backend/kernels/batch_mat_mul.ts";
import { fusedMatMul } from "../../backend/kernels/fused_mat_mul.ts";
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

const ignore = skipWithoutBlas("the matrix products' BLAS tests");

Deno.test("KernoBackend registers kerno's BatchMatMul and _FusedMatMul", () => {
  assert.equal(tf.getKernel(tf.BatchMatMul, "kerno")?.kernelFunc, batchMatMul);
  assert.equal(tf.getKernel(tf._FusedMatMul, "kerno")?.kernelFunc, fusedMatMul);
  assert.ok(tf.getKernel(tf.Transpose, "kerno") !== undefined, "cpu kernels are registered too");
});

const cases: [number[], number[], boolean, boolean][] = [
  [[1, 1], [1, 1], false, false],
  [[7, 3], [3, 5], false, false],
  [[3, 7], [3, 5], true, false],
  [[7, 3], [5, 3], false, true],
  [[3, 7], [5, 3], true, true],
  [[1, 7], [7, 1], false, false],
  [[2, 7, 3], [3, 5], false, false],
  [[2, 7, 3], [2, 3, 5], false, false],
  [[2, 3, 7], [2, 5, 3], true, true],
  [[1, 7, 3], [4, 3, 5], false, false],
  [[4, 7, 3], [1, 5, 3], false, true],
  [[2, 2, 7, 3], [3, 5], false, false],
  [[64, 33], [33, 17], false, false],
];

for (const [aShape, bShape, ta, tb] of cases) {
  Deno.test({
    name: `batchMatMul matches cpu for ${aShape} x ${bShape} (transposeA ${ta}, transposeB ${tb})`,
    ignore,
    fn: async () => {
      const a = rand(aShape, 1);
      const b = rand(bShape, 2);
      await assertSameAsCpu(() => tf.matMul(make(a), make(b), ta, tb), 1e-5);
    },
  });
}

Deno.test({
  name: "batchMatMul broadcasts batch dimensions NumPy-style",
  ignore,
  fn: async () => {
    // a: [2, 1, 2, 2], b: [1, 3, 2, 2] -> [2, 3, 2, 2]; out[i][j] = a[i] · b[j]
    const a = rand([2, 1, 2, 2], 3);
    const b = rand([1, 3, 2, 2], 4);
    const { values, shapes } = await runOn("kerno", () => tf.matMul(make(a), make(b)));
    assert.deepEqual(shapes[0], [2, 3, 2, 2]);
    const expected: number[] = [];
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 3; j++) {
        for (let r = 0; r < 2; r++) {
          for (let c = 0; c < 2; c++) {
            let s = 0;
            for (let k = 0; k < 2; k++) {
              s += a.values[i * 4 + r * 2 + k] * b.values[j * 4 + k * 2 + c];
            }
            expected.push(s);
          }
        }
      }
    }
    assertClose(values[0], expected, 1e-5);
  },
});

Deno.test({
  name: "batchMatMul multiplies a hand-computed 2x3 by 3x2",
  ignore,
  fn: async () => {
    const a = { shape: [2, 3], values: new Float32Array([1, 2, 3, 4, 5, 6]) };
    const b = { shape: [3, 2], values: new Float32Array([1, 0, 0, 1, 1, 1]) };
    const { values } = await runOn("kerno", () => tf.matMul(make(a), make(b)));
    assert.deepEqual(Array.from(values[0]), [4, 5, 10, 11]);
  },
});

Deno.test({
  name: "batchMatMul handles empty operands",
  ignore,
  fn: async () => {
    const { shapes } = await runOn("kerno", () => tf.matMul(tf.zeros([0, 3]), tf.ones([3, 4])));
    assert.deepEqual(shapes[0], [0, 4]);
    const { values } = await runOn("kerno", () => tf.matMul(tf.zeros([2, 0]), tf.ones([0, 3])));
    assert.deepEqual(Array.from(values[0]), [0, 0, 0, 0, 0, 0]);
  },
});

for (const activation of ["linear", "relu", "relu6", "elu", "sigmoid", "leakyrelu", "prelu"]) {
  Deno.test({
    name: `fusedMatMul matches cpu with bias and ${activation}`,
    ignore,
    fn: async () => {
      const a = rand([7, 4], 5);
      const b = rand([4, 6], 6);
      const bias = rand([6], 7);
      const alpha = rand([6], 8);
      await assertSameAsCpu(() =>
        tf.fused.matMul({
          a: make(a),
          b: make(b),
          bias: make(bias),
          activation: activation as tf.fused.Activation,
          preluActivationWeights: activation === "prelu" ? make(alpha) : undefined,
          leakyreluAlpha: 0.3,
        }), 1e-5);
    },
  });
}

Deno.test({
  name: "fusedMatMul matches cpu with transposes, a scalar bias and no bias",
  ignore,
  fn: async () => {
    const a = rand([4, 7], 9);
    const b = rand([6, 4], 10);
    await assertSameAsCpu(
      () =>
        tf.fused.matMul({
          a: make(a),
          b: make(b),
          transposeA: true,
          transposeB: true,
          bias: tf.scalar(0.5),
        }),
      1e-5,
    );
    await assertSameAsCpu(
      () =>
        tf.fused.matMul({
          a: make(a),
          b: make(b),
          transposeA: true,
          transposeB: true,
          activation: "relu",
        }),
      1e-5,
    );
    await assertSameAsCpu(
      () =>
        tf.fused.matMul({
          a: make(rand([3, 7, 4], 11)),
          b: make(b),
          transposeB: true,
          bias: make(rand([6], 12)),
        }),
      1e-5,
    );
  },
});

Deno.test({
  name: "batchMatMul gradients match cpu and finite differences",
  ignore,
  fn: async () => {
    const a = rand([2, 7, 3], 13);
    const b = rand([2, 3, 5], 14);
    await assertGradient((x) => project(tf.matMul(x, make(b))), a, 1e-4, 1e-2, "d/da");
    await assertGradient((x) => project(tf.matMul(make(a), x)), b, 1e-4, 1e-2, "d/db");
    await assertGradient(
      (x) => project(tf.matMul(x, make(rand([5, 7], 15)), true, true)),
      rand([7, 3], 16),
      1e-4,
      1e-2,
      "transposed",
    );
  },
});

Deno.test({
  name: "fusedMatMul gradients (bias + relu) match cpu and finite differences",
  ignore,
  fn: async () => {
    const a = rand([7, 4], 17);
    const b = rand([4, 5], 18);
    const bias = rand([5], 19);
    const dense = (x: tf.Tensor, w: tf.Tensor, c: tf.Tensor) =>
      project(tf.fused.matMul({ a: x, b: w, bias: c, activation: "relu" }));
    await assertGradient((x) => dense(x, make(b), make(bias)), a, 1e-4, 2e-2, "d/da");
    await assertGradient((w) => dense(make(a), w, make(bias)), b, 1e-4, 2e-2, "d/db");
    await assertGradient((c) => dense(make(a), make(b), c), bias, 1e-4, 2e-2, "d/dbias");
  },
});

Deno.test({
  name: "batchMatMul and fusedMatMul without BLAS fall back to the cpu kernels",
  ignore: !ignore,
  fn: async () => {
    for (const [aShape, bShape, ta, tb] of cases) {
      await assertSameAsCpu(
        () => tf.matMul(make(rand(aShape, 1)), make(rand(bShape, 2)), ta, tb),
        1e-6,
      );
    }
    await assertSameAsCpu(
      () =>
        tf.fused.matMul({
          a: make(rand([7, 4], 5)),
          b: make(rand([4, 6], 6)),
          bias: make(rand([6], 7)),
          activation: "relu",
        }),
      1e-6,
    );
  },
});
