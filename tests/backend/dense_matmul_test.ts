/**
 * kerno's recorded Dense kernel (`denseMatMul`) against the unfused tensor
 * path on `cpu`: outputs and the gradients of every input, for relu and
 * linear, odd sizes included; and that it declines outside a gradient tape.
 */
import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { denseMatMul } from "../../backend/dense_matmul.ts";
import { assertSameAsCpu, make, rand } from "./_helpers.ts";

const SHAPES: [number, number, number][] = [[1, 3, 2], [7, 5, 4], [16, 33, 9]];

for (const activation of ["relu", "linear"] as const) {
  Deno.test(`denseMatMul ${activation} equals product, bias and activation, gradients included`, async () => {
    for (const [rows, inner, units] of SHAPES) {
      const [x, k, b] = [rand([rows, inner], 1), rand([inner, units], 2), rand([units], 3)];
      const w = rand([rows, units], 4); // weights of the scalar we differentiate
      await assertSameAsCpu(
        () => {
          const f = (xt: tf.Tensor, kt: tf.Tensor, bt: tf.Tensor) => {
            const y =
              denseMatMul(xt as tf.Tensor2D, kt as tf.Tensor2D, bt as tf.Tensor1D, activation) ??
                (activation === "relu"
                  ? tf.relu(tf.add(tf.matMul(xt as tf.Tensor2D, kt as tf.Tensor2D), bt))
                  : tf.add(tf.matMul(xt as tf.Tensor2D, kt as tf.Tensor2D), bt));
            return tf.sum(tf.mul(y, make(w)));
          };
          const { value, grads } = tf.valueAndGrads(f)([make(x), make(k), make(b)]);
          return [value, ...grads];
        },
        1e-4,
        `${activation} [${rows}, ${inner}] x [${inner}, ${units}]`,
      );
    }
  });
}

Deno.test("denseMatMul declines outside a gradient tape and on cpu", async () => {
  const previous = tf.getBackend();
  await tf.setBackend("kerno");
  const before = tf.memory().numTensors;
  const [x, k, b] = [tf.ones([2, 3]), tf.ones([3, 4]), tf.ones([4])] as [
    tf.Tensor2D,
    tf.Tensor2D,
    tf.Tensor1D,
  ];
  assert.equal(denseMatMul(x, k, b, "relu"), null);
  tf.dispose([x, k, b]);
  assert.equal(tf.memory().numTensors, before);
  await tf.setBackend("cpu");
  const [x2, k2, b2] = [tf.ones([2, 3]), tf.ones([3, 4]), tf.ones([4])] as [
    tf.Tensor2D,
    tf.Tensor2D,
    tf.Tensor1D,
  ];
  const g = tf.grad((t: tf.Tensor) => {
    assert.equal(denseMatMul(t as tf.Tensor2D, k2, b2, "relu"), null);
    return tf.sum(t);
  })(x2);
  tf.dispose([x2, k2, b2, g]);
  await tf.setBackend(previous);
});
