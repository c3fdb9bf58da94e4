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
import {
  MeanAbsoluteError as MeanAbsoluteErrorMetric,
  MeanSquaredError as MeanSquaredErrorMetric,
  RootMeanSquaredError,
} from "../../metrics/mod.ts";
import { Sequential } from "../../engine/sequential.ts";
import { Dense } from "../../layers/dense.ts";

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
      /mean_squared_error as "yTrue" and "yPred" must have shapes that broadcast together: received \[1,3\] and \[1,2\]/,
    );
    tf.dispose([yTrue, yPred]);
  });
});

// Keras's regression losses broadcast y_true - y_pred after the rank alignment.
// yTrue [[1], [3]] against yPred [[0, 1, 2], [3, 5, 7]]: errors (p - t) are
//   row 0: [-1, 0, 1]   row 1: [0, 2, 4]
// squared: (1 + 0 + 1) / 3 = 2/3 and (0 + 4 + 16) / 3 = 20/3 -> mean 11/3
// absolute: 2/3 and (0 + 2 + 4) / 3 = 2 -> mean 4/3
// Huber (delta 1: 0.5 e^2 inside, |e| - 0.5 outside): (0.5 + 0 + 0.5) / 3 = 1/3 and
//   (0 + 1.5 + 3.5) / 3 = 5/3 -> mean 1
const lc = (e: number) => Math.log(Math.cosh(e));
Deno.test("Regression losses broadcast [batch, 1] targets against [batch, n] predictions as Keras", () => {
  noLeaks(() => {
    const yTrue = tf.tensor2d([[1], [3]]);
    const yPred = tf.tensor2d([[0, 1, 2], [3, 5, 7]]);
    assertClose(take(meanSquaredError(yTrue, yPred)), [2 / 3, 20 / 3]);
    assertClose(take(new MeanSquaredError().apply(yTrue, yPred)), 11 / 3);
    assertClose(take(new MeanAbsoluteError().apply(yTrue, yPred)), 4 / 3);
    assertClose(take(new Huber().call(yTrue, yPred)), [1 / 3, 5 / 3]);
    assertClose(take(huber(yTrue, yPred)), [1 / 3, 5 / 3]);
    assertClose(take(new LogCosh().call(yTrue, yPred)), [
      (lc(-1) + 0 + lc(1)) / 3,
      (0 + lc(2) + lc(4)) / 3,
    ]);
    // the other way round: the same squared errors
    assertClose(take(new MeanSquaredError().apply(yPred, yTrue)), 11 / 3);
    // sample weights still weigh samples: (1 * 2/3 + 3 * 20/3) / 2 = 31/3
    const w = tf.tensor1d([1, 3]);
    assertClose(take(new MeanSquaredError().apply(yTrue, yPred, w)), 31 / 3);
    w.dispose();
    tf.dispose([yTrue, yPred]);
  });
});

Deno.test("Regression losses broadcast a row of targets, and refuse shapes that do not broadcast", () => {
  noLeaks(() => {
    // [3] against [2, 3]: the row is compared with each sample: errors 0,0,0 and 3,4,5
    const row = tf.tensor1d([0, 1, 2]);
    const yPred = tf.tensor2d([[0, 1, 2], [3, 5, 7]]);
    assertClose(take(meanSquaredError(row, yPred)), [0, 50 / 3]);
    // [2] against [2, 3] does not broadcast (2 against 3), in Keras either
    const perSample = tf.tensor1d([1, 3]);
    assert.throws(
      () => new MeanAbsoluteError().call(perSample, yPred),
      /mean_absolute_error as "yTrue" and "yPred" must have shapes that broadcast together: received \[2\] and \[2,3\]/,
    );
    tf.dispose([row, yPred, perSample]);
  });
});

Deno.test("Regression metrics broadcast as their losses do", () => {
  noLeaks(() => {
    const yTrue = tf.tensor2d([[1], [3]]);
    const yPred = tf.tensor2d([[0, 1, 2], [3, 5, 7]]);
    const mse = new MeanSquaredErrorMetric();
    const mae = new MeanAbsoluteErrorMetric();
    const rmse = new RootMeanSquaredError();
    for (const m of [mse, mae, rmse]) m.updateState(yTrue, yPred);
    assertClose(mse.result(), 11 / 3);
    assertClose(mae.result(), 4 / 3);
    // sqrt of the mean of all six squared errors: (1 + 0 + 1 + 0 + 4 + 16) / 6 = 11/3
    assertClose(rmse.result(), Math.sqrt(11 / 3));
    tf.dispose([yTrue, yPred]);
  });
});

Deno.test("compile with mse: [8, 1] targets against a [8, 10] output fit and evaluate", async () => {
  // kernel and bias zero: every output is 0, so the per-sample loss is y^2 and
  // the mean over y = 1..8 is (1 + 4 + ... + 64) / 8 = 204 / 8 = 25.5; mae 36 / 8 = 4.5
  const model = new Sequential([
    new Dense(10, { inputShape: [4], kernelInitializer: "zeros", biasInitializer: "zeros" }),
  ]);
  model.compile({ optimizer: "sgd", loss: "mse", metrics: ["mae", "root_mean_squared_error"] });
  const x = tf.ones([8, 4]);
  const y = tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [8, 1]);
  const logs = await model.evaluate(x, y, { batchSize: 8 });
  assertClose(logs.loss, 25.5);
  assertClose(logs.mae, 4.5);
  assertClose(logs.root_mean_squared_error, Math.sqrt(25.5));
  const history = await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 });
  assert.ok(history.history.loss.every(Number.isFinite));
  assert.ok(history.history.loss[1] < 25.5);
  tf.dispose([x, y]);
  model.dispose();
});
