import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import {
  Hinge,
  Huber,
  huber,
  KLDivergence,
  LogCosh,
  MeanAbsoluteError,
  MeanSquaredError,
  meanSquaredError,
} from "../../losses/mod.ts";
import { assertClose, noLeaks, take } from "./_helpers.ts";

Deno.test("MeanSquaredError averages squared errors per sample, then over the batch", () => {
  noLeaks(() => {
    const yTrue = tf.tensor2d([[1, 2], [3, 4]]);
    const yPred = tf.tensor2d([[1, 1], [1, 1]]);
    const loss = new MeanSquaredError();
    assertClose(take(loss.call(yTrue, yPred)), [(0 + 1) / 2, (4 + 9) / 2]);
    assertClose(take(loss.apply(yTrue, yPred)), (0.5 + 6.5) / 2);
    tf.dispose([yTrue, yPred]);
  });
});

Deno.test("meanSquaredError lines up [batch] targets with [batch, 1] predictions", () => {
  noLeaks(() => {
    const yTrue = tf.tensor1d([1, 2, 3]);
    const yPred = tf.tensor2d([[2], [2], [5]]);
    assertClose(take(meanSquaredError(yTrue, yPred)), [1, 0, 4]);
    const flat = tf.tensor1d([2, 2, 5]);
    assertClose(take(new MeanSquaredError().call(yTrue, flat)), [1, 0, 4]);
    tf.dispose([yTrue, yPred, flat]);
  });
});

Deno.test("MeanAbsoluteError averages absolute errors", () => {
  noLeaks(() => {
    const yTrue = tf.tensor2d([[1, 2], [3, 4]]);
    const yPred = tf.tensor2d([[1, 1], [1, 1]]);
    const loss = new MeanAbsoluteError();
    assertClose(take(loss.call(yTrue, yPred)), [0.5, 2.5]);
    const w = tf.tensor1d([1, 3]);
    assertClose(take(loss.apply(yTrue, yPred, w)), (0.5 + 3 * 2.5) / 2);
    tf.dispose([yTrue, yPred, w]);
  });
});

Deno.test("Huber is quadratic within delta and linear beyond", () => {
  noLeaks(() => {
    const yTrue = tf.tensor2d([[0, 0], [0, 0]]);
    const yPred = tf.tensor2d([[0.5, 3], [-2, 1]]);
    // delta 1: 0.5*0.25, 1*3 - 0.5; 1*2 - 0.5, 0.5*1
    assertClose(take(huber(yTrue, yPred)), [(0.125 + 2.5) / 2, (1.5 + 0.5) / 2]);
    // delta 2: 0.125, 2*3 - 2; 0.5*4, 0.5
    const loss = new Huber({ delta: 2 });
    assertClose(take(loss.call(yTrue, yPred)), [(0.125 + 4) / 2, (2 + 0.5) / 2]);
    assert.equal(loss.name, "huber_loss");
    assert.deepEqual(loss.getConfig(), {
      name: "huber_loss",
      reduction: "sum_over_batch_size",
      delta: 2,
    });
    assert.throws(() => new Huber({ delta: 0 }), /"delta" must be a finite number > 0: received 0/);
    // the gradient is the clipped error
    const grad = take(tf.grad((p: tf.Tensor) => loss.apply(yTrue, p))(yPred));
    assertClose(grad, [0.5 / 4, 2 / 4, -2 / 4, 1 / 4]);
    tf.dispose([yTrue, yPred]);
  });
});

Deno.test("Hinge maps 0/1 labels to -1/1 and keeps -1/1 labels", () => {
  noLeaks(() => {
    const yPred = tf.tensor2d([[0.3, -0.2], [2, 0.5]]);
    const binary = tf.tensor2d([[0, 1], [1, 1]]);
    const signed = tf.tensor2d([[-1, 1], [1, 1]]);
    // max(1 - y p, 0): [1.3, 1.2] and [0, 0.5]
    const expected = [(1.3 + 1.2) / 2, (0 + 0.5) / 2];
    const loss = new Hinge();
    assertClose(take(loss.call(binary, yPred)), expected);
    assertClose(take(loss.call(signed, yPred)), expected);
    tf.dispose([yPred, binary, signed]);
  });
});

Deno.test("KLDivergence sums t log(t / p) over the last axis with clipping", () => {
  noLeaks(() => {
    const yTrue = tf.tensor2d([[0.2, 0.8], [0, 1]]);
    const yPred = tf.tensor2d([[0.4, 0.6], [0.5, 0.5]]);
    const eps = 1e-7;
    const expected = [
      0.2 * Math.log(0.2 / 0.4) + 0.8 * Math.log(0.8 / 0.6),
      eps * Math.log(eps / 0.5) + Math.log(1 / 0.5),
    ];
    assertClose(take(new KLDivergence().call(yTrue, yPred)), expected);
    const zeros = tf.tensor2d([[0, 0]]);
    const ones = tf.tensor2d([[1, 0]]);
    assert.ok(take(new KLDivergence().call(ones, zeros)).every(Number.isFinite));
    tf.dispose([yTrue, yPred, zeros, ones]);
  });
});

Deno.test("LogCosh gives log(cosh(error)) and stays finite for large errors", () => {
  noLeaks(() => {
    const yTrue = tf.tensor2d([[0], [0], [0]]);
    const yPred = tf.tensor2d([[0.5], [-1], [200]]);
    const expected = [Math.log(Math.cosh(0.5)), Math.log(Math.cosh(1)), 200 - Math.log(2)];
    assertClose(take(new LogCosh().call(yTrue, yPred)), expected);
    tf.dispose([yTrue, yPred]);
  });
});

Deno.test("Regression losses reject mismatched shapes naming both", () => {
  noLeaks(() => {
    const yTrue = tf.tensor2d([[1, 2, 3]]);
    const yPred = tf.tensor2d([[1, 2]]);
    assert.throws(
      () => new MeanSquaredError().call(yTrue, yPred),
      /mean_squared_error as "yTrue" and "yPred" must have the same shape: received \[1,3\] and \[1,2\]/,
    );
    tf.dispose([yTrue, yPred]);
  });
});
