/**
 * kerno's replacement of the seam's sparse cross-entropy from logits
 * against the plain definition on `cpu`: per-sample values, the reduced
 * loss and its gradient, with labels given as [batch] or [batch, 1], int32
 * or float, including labels outside the class range.
 */
import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import "../../backend/mod.ts";
import { assertSameAsCpu, make, rand, type Spec } from "./_helpers.ts";
import { SparseCategoricalCrossentropy, sparseCategoricalCrossentropy } from "../../losses/mod.ts";
import { KERNO_FUSED_OPS } from "../../backend/fused_ops.ts";

function labels(values: number[], shape: number[], dtype: "int32" | "float32"): Spec {
  return { shape, values: dtype === "int32" ? Int32Array.from(values) : Float32Array.from(values) };
}

Deno.test({
  name: "sparseCategoricalCrossentropy fused from logits equals the generic path",
  fn: async () => {
    const cases: [Spec, Spec][] = [
      [rand([6, 4], 1), labels([0, 3, 2, 1, 1, 0], [6], "float32")],
      [rand([5, 7], 2), labels([6, 0, 2, 5, 3], [5, 1], "int32")],
      [rand([4, 3], 4), labels([-1, 3, 2.7, 1], [4], "float32")], // out of range, truncated
      [rand([2, 3, 5], 5), labels([0, 4, 2, 1, 3, 0], [2, 3], "int32")],
    ];
    for (const [logitsSpec, labelSpec] of cases) {
      const scaled = { ...logitsSpec, values: logitsSpec.values.map((v) => v * 8) };
      await assertSameAsCpu(
        () => sparseCategoricalCrossentropy(make(labelSpec), make(scaled), { fromLogits: true }),
        1e-5,
        `values for logits [${scaled.shape}]`,
      );
      const loss = new SparseCategoricalCrossentropy({ fromLogits: true });
      await assertSameAsCpu(
        () => {
          const y = make(labelSpec);
          const f = (z: tf.Tensor) => loss.apply(y, z);
          return [f(make(scaled)), tf.grad(f)(make(scaled))];
        },
        1e-5,
        `loss and gradient for logits [${scaled.shape}]`,
      );
    }
  },
});

Deno.test({
  name: "sparseCategoricalCrossentropy fused gradient is softmax minus one-hot, scaled by dy",
  fn: async () => {
    const previous = tf.getBackend();
    await tf.setBackend("kerno");
    const before = tf.memory().numTensors;
    const z = tf.tensor2d([[1, 2, 3], [0, 0, 0]]);
    const y = tf.tensor1d([2, 7]); // the second label is out of range: no loss, no gradient
    const direct = KERNO_FUSED_OPS.sparseCrossentropyFromLogits!(y, z);
    assert.ok(direct !== null, "kerno's replacement accepts float32 logits of 3 classes");
    direct.dispose();
    const grad = tf.grad((x: tf.Tensor) =>
      tf.sum(tf.mul(sparseCategoricalCrossentropy(y, x, { fromLogits: true }), tf.tensor1d([2, 1])))
    );
    const gradTensor = grad(z);
    const g = gradTensor.dataSync();
    const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
    const s = e[0] + e[1] + e[2];
    const expected = [2 * e[0] / s, 2 * e[1] / s, 2 * (e[2] / s - 1), 0, 0, 0];
    expected.forEach((v, i) => assert.ok(Math.abs(g[i] - v) < 1e-6, `grad[${i}]: ${g[i]} vs ${v}`));
    const valueTensor = sparseCategoricalCrossentropy(y, z, { fromLogits: true });
    const values = valueTensor.dataSync();
    assert.ok(Math.abs(values[0] - (Math.log(s) - 3)) < 1e-6);
    assert.equal(values[1], 0);
    tf.dispose([z, y, valueTensor, gradTensor]);
    assert.equal(tf.memory().numTensors, before);
    await tf.setBackend(previous);
  },
});
