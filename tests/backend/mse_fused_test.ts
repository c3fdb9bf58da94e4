/**
 * kerno's replacement of the seam's `meanSquaredErrorPerSample` against the
 * plain definition (subtraction, square, mean over the last axis, then over
 * the rest) on `cpu`: values and the gradients of both inputs, for ranks 2
 * to 4; the cases it declines; and the `MeanSquaredError` loss through it.
 */
import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import "../../backend/mod.ts";
import { fused } from "../../engine/fused.ts";
import { KERNO_FUSED_OPS } from "../../backend/fused_ops.ts";
import { MeanSquaredError } from "../../losses/mean_squared_error.ts";
import { assertSameAsCpu, make, onKerno, rand } from "./_helpers.ts";

const SHAPES = [[5, 1], [4, 3], [2, 3, 4, 1], [3, 5, 7]];

Deno.test("meanSquaredErrorPerSample equals the plain definition on cpu, both gradients included", async () => {
  for (const shape of SHAPES) {
    const [t, p, w] = [rand(shape, 1), rand(shape, 2), rand([shape[0]], 3)];
    await assertSameAsCpu(
      () => {
        // Every sample's loss weighed differently, so each row's gradient scale shows.
        const f = (a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.mul(fused.meanSquaredErrorPerSample(a, b), make(w)));
        const { value, grads } = tf.valueAndGrads(f)([make(t), make(p)]);
        return [fused.meanSquaredErrorPerSample(make(t), make(p)), value, ...grads];
      },
      1e-5,
      `[${shape}]`,
    );
  }
});

Deno.test("meanSquaredErrorPerSample's kerno pass declines what it does not fit", () =>
  onKerno(() => {
    const own = KERNO_FUSED_OPS.meanSquaredErrorPerSample!;
    const a = tf.ones([4, 3]);
    const declined: [tf.Tensor, tf.Tensor][] = [
      [tf.ones([4, 1]), a], // broadcast
      [tf.ones([4]), tf.ones([4])], // rank 1
      [tf.ones([4, 3], "int32"), a], // dtype
    ];
    for (const [t, p] of declined) {
      assert.equal(own(t, p), null, `[${t.shape}] ${t.dtype} against [${p.shape}]`);
      tf.dispose(p === a ? [t] : [t, p]);
    }
    const out = own(a, a);
    assert.ok(out !== null);
    assert.deepEqual(Array.from(out.dataSync()), [0, 0, 0, 0]);
    tf.dispose([a, out]);
  }));

Deno.test("MeanSquaredError gives the same losses and gradients on kerno as on cpu, broadcast targets included", async () => {
  // [4, 3] against [4, 3] takes the fused op; [4, 1] targets against [4, 3] predictions broadcast.
  for (
    const [tShape, pShape] of [[[4, 3], [4, 3]], [[4, 1], [4, 3]], [[6], [6]], [[2, 3, 5, 1], [
      2,
      3,
      5,
      1,
    ]]]
  ) {
    const [t, p] = [rand(tShape, 5), rand(pShape, 6)];
    await assertSameAsCpu(
      () => {
        const loss = new MeanSquaredError();
        const f = (b: tf.Tensor) => loss.apply(make(t), b) as tf.Scalar;
        const { value, grad } = tf.valueAndGrad(f)(make(p));
        return [loss.call(make(t), make(p)), value, grad];
      },
      1e-5,
      `targets [${tShape}], predictions [${pShape}]`,
    );
  }
});
