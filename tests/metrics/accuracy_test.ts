import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import {
  Accuracy,
  BinaryAccuracy,
  CategoricalAccuracy,
  SparseCategoricalAccuracy,
  TopKCategoricalAccuracy,
} from "../../metrics/mod.ts";
import { assertClose, noLeaks } from "../losses/_helpers.ts";

Deno.test("Accuracy counts exact matches", () => {
  noLeaks(() => {
    const m = new Accuracy();
    const t = tf.tensor1d([1, 2, 3, 4]);
    const p = tf.tensor1d([0, 2, 3, 4]);
    m.updateState(t, p);
    assertClose(m.result(), 0.75);
    assert.equal(m.name, "accuracy");
    assert.equal(m.direction, "max");
    tf.dispose([t, p]);
  });
});

Deno.test("BinaryAccuracy thresholds at 0.5, accumulates and takes sample weights", () => {
  noLeaks(() => {
    const m = new BinaryAccuracy();
    const t = tf.tensor2d([[1], [1], [0], [0]]);
    const p = tf.tensor2d([[0.98], [1], [0], [0.6]]);
    m.updateState(t, p);
    assertClose(m.result(), 0.75);
    const t1 = tf.tensor1d([1, 0]); // [batch] labels, [batch, 1] predictions
    const p1 = tf.tensor2d([[0.2], [0.5]]); // 0.5 is not above the threshold
    m.updateState(t1, p1); // one right, one wrong? 0.2 -> 0 vs 1 wrong, 0.5 -> 0 vs 0 right
    assertClose(m.result(), 4 / 6);
    m.resetState();
    const w = tf.tensor1d([1, 0, 0, 1]);
    m.updateState(t, p, w);
    assertClose(m.result(), 0.5);
    const strict = new BinaryAccuracy({ threshold: 0.7 });
    strict.updateState(t, p);
    assertClose(strict.result(), 1);
    assert.deepEqual(strict.getConfig(), { name: "binary_accuracy", threshold: 0.7 });
    tf.dispose([t, p, t1, p1, w]);
  });
});

Deno.test("CategoricalAccuracy compares arg-maxes of one-hot labels and scores", () => {
  noLeaks(() => {
    const m = new CategoricalAccuracy();
    const t = tf.tensor2d([[0, 0, 1], [0, 1, 0]]);
    const p = tf.tensor2d([[0.1, 0.9, 0.8], [0.05, 0.95, 0]]);
    m.updateState(t, p);
    assertClose(m.result(), 0.5);
    m.resetState();
    const w = tf.tensor1d([0.7, 0.3]);
    m.updateState(t, p, w);
    assertClose(m.result(), 0.3);
    tf.dispose([t, p, w]);
  });
});

Deno.test("SparseCategoricalAccuracy takes [batch] and [batch, 1], float and int labels", () => {
  noLeaks(() => {
    const p = tf.tensor2d([[0.1, 0.6, 0.3], [0.05, 0.95, 0]]);
    const labels = [
      tf.tensor1d([2, 1]),
      tf.tensor2d([[2], [1]]),
      tf.tensor1d([2, 1], "int32"),
    ];
    for (const t of labels) {
      const m = new SparseCategoricalAccuracy();
      m.updateState(t, p);
      assertClose(m.result(), 0.5);
    }
    const m = new SparseCategoricalAccuracy();
    const w = tf.tensor1d([0.7, 0.3]);
    m.updateState(labels[0], p, w);
    assertClose(m.result(), 0.3);
    m.updateState(labels[1], p); // adds 1 hit over 2 samples
    assertClose(m.result(), (0.3 + 1) / 3);
    assert.equal(m.name, "sparse_categorical_accuracy");
    tf.dispose([p, w, ...labels]);
  });
});

Deno.test("TopKCategoricalAccuracy counts the label within the k highest scores", () => {
  noLeaks(() => {
    const t = tf.tensor2d([[0, 0, 1], [0, 1, 0]]);
    const p = tf.tensor2d([[0.1, 0.9, 0.8], [0.05, 0.95, 0]]);
    const top1 = new TopKCategoricalAccuracy({ k: 1 });
    top1.updateState(t, p);
    assertClose(top1.result(), 0.5);
    const top2 = new TopKCategoricalAccuracy({ k: 2 });
    top2.updateState(t, p);
    assertClose(top2.result(), 1);
    // ties count in the label's favour
    const tie = tf.tensor2d([[0.5, 0.5, 0.5]]);
    const label = tf.tensor2d([[0, 0, 1]]);
    top1.resetState();
    top1.updateState(label, tie);
    assertClose(top1.result(), 1);
    assert.equal(new TopKCategoricalAccuracy().k, 5);
    assert.throws(() => new TopKCategoricalAccuracy({ k: 0 }), /"k" must be a positive integer/);
    tf.dispose([t, p, tie, label]);
  });
});
