import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import {
  Mean,
  MeanAbsoluteError,
  MeanMetricWrapper,
  MeanSquaredError,
  RootMeanSquaredError,
  Sum,
} from "../../metrics/mod.ts";
import { assertClose, noLeaks } from "../losses/_helpers.ts";

Deno.test("Mean accumulates numbers and tensors over several updates", () => {
  noLeaks(() => {
    const m = new Mean();
    assert.equal(m.result(), 0);
    m.updateState(1);
    m.updateState(3);
    assertClose(m.result(), 2);
    const batch = tf.tensor1d([2, 4, 6]);
    m.updateState(batch); // (1 + 3 + 12) / 5
    assertClose(m.result(), 16 / 5);
    m.resetState();
    assert.equal(m.result(), 0);
    const s = tf.scalar(5);
    m.updateState(s);
    assertClose(m.result(), 5);
    tf.dispose([batch, s]);
  });
});

Deno.test("Mean weights samples and averages non-batch axes first", () => {
  noLeaks(() => {
    const m = new Mean();
    const v = tf.tensor1d([1, 3, 5, 7]);
    const w = tf.tensor1d([1, 1, 0, 0]);
    m.updateState(v, w);
    assertClose(m.result(), 2); // Keras's documented example
    m.resetState();
    const v2 = tf.tensor2d([[1, 3], [5, 7]]); // per sample 2 and 6
    const w2 = tf.tensor1d([1, 3]);
    m.updateState(v2, w2);
    assertClose(m.result(), (2 + 18) / 4);
    m.updateState(v2); // adds 2 + 6 over 2 samples
    assertClose(m.result(), (20 + 8) / 6);
    m.resetState();
    m.updateState(7, 3);
    m.updateState(1, 1);
    assertClose(m.result(), (21 + 1) / 4);
    tf.dispose([v, w, v2, w2]);
  });
});

Deno.test("Sum adds (weighted) values across updates", () => {
  noLeaks(() => {
    const s = new Sum();
    const v = tf.tensor1d([1, 3, 5, 7]);
    s.updateState(v);
    assertClose(s.result(), 16);
    const w = tf.tensor1d([1, 1, 0, 0]);
    s.updateState(v, w);
    assertClose(s.result(), 20);
    s.updateState(2.5);
    assertClose(s.result(), 22.5);
    s.resetState();
    assert.equal(s.result(), 0);
    assert.equal(s.name, "sum");
    tf.dispose([v, w]);
  });
});

Deno.test("MeanSquaredError, RootMeanSquaredError and MeanAbsoluteError metrics", () => {
  noLeaks(() => {
    const yTrue = tf.tensor2d([[0, 1], [0, 0]]);
    const yPred = tf.tensor2d([[1, 1], [0, 0]]);
    const w = tf.tensor1d([1, 0]);
    const mse = new MeanSquaredError();
    const rmse = new RootMeanSquaredError();
    const mae = new MeanAbsoluteError();
    for (const m of [mse, rmse, mae]) m.updateState(yTrue, yPred);
    assertClose(mse.result(), 0.25);
    assertClose(rmse.result(), 0.5);
    assertClose(mae.result(), 0.25);
    for (const m of [mse, rmse, mae]) {
      m.resetState();
      m.updateState(yTrue, yPred, w);
    }
    assertClose(mse.result(), 0.5);
    assertClose(rmse.result(), Math.sqrt(0.5));
    assertClose(mae.result(), 0.5);
    // rmse is the root of the mean over all batches, not the mean of roots
    rmse.resetState();
    const a = tf.tensor1d([0]);
    const b = tf.tensor1d([2]);
    const c = tf.tensor1d([0]);
    rmse.updateState(a, b); // squared error 4
    rmse.updateState(a, c); // squared error 0
    assertClose(rmse.result(), Math.sqrt(2));
    assert.equal(mse.direction, "min");
    assert.equal(rmse.name, "root_mean_squared_error");
    tf.dispose([yTrue, yPred, w, a, b, c]);
  });
});

Deno.test("MeanMetricWrapper averages a user function and names itself after it", () => {
  noLeaks(() => {
    const m = new MeanMetricWrapper(function absError(t: tf.Tensor, p: tf.Tensor) {
      return tf.abs(tf.sub(t, p));
    });
    assert.equal(m.name, "absError");
    assert.equal(m.direction, "min");
    const t = tf.tensor1d([1, 2, 3]);
    const p = tf.tensor1d([2, 2, 5]);
    m.updateState(t, p);
    assertClose(m.result(), 1);
    const w = tf.tensor1d([0, 1, 1]);
    m.updateState(t, p, w); // adds 0 + 2 over weight 2
    assertClose(m.result(), (3 + 2) / 5);
    const acc = new MeanMetricWrapper((a, b) => tf.cast(tf.equal(a, b), "float32"), {
      name: "my_acc",
    });
    assert.equal(acc.direction, "max");
    assert.throws(() => m.updateState(1), TypeError);
    tf.dispose([t, p, w]);
  });
});
