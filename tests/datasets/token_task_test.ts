import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { tokenTask } from "../../datasets/mod.ts";

Deno.test("tokenTask makes balanced int32 sequences with trailing padding", () => {
  const before = tf.memory().numTensors;
  const { x, y } = tokenTask({ samples: 2001, seed: 1 });
  assert.equal(tf.memory().numTensors, before + 2);
  assert.deepEqual(x.shape, [2001, 42]);
  assert.equal(x.dtype, "int32");
  assert.deepEqual(y.shape, [2001, 1]);
  assert.equal(y.dtype, "float32");
  const labels = [...y.dataSync()];
  assert.equal(labels.filter((v) => v === 1).length, 1001);
  assert.equal(labels.filter((v) => v === 0).length, 1000);
  const rows = x.arraySync() as number[][];
  const lengths = new Set<number>();
  rows.forEach((row, i) => {
    const n = row.indexOf(0) === -1 ? 42 : row.indexOf(0);
    lengths.add(n);
    assert.ok(n >= 10, "at least floor(42 / 4) tokens");
    assert.ok(row.slice(n).every((t) => t === 0), "padding only at the end");
    assert.ok(row.slice(0, n).every((t) => t >= 1 && t < 20000));
    // the first token decides the label: 1..10 positive, 11..20 negative
    assert.ok(labels[i] === 1 ? row[0] <= 10 : row[0] >= 11 && row[0] <= 20);
  });
  assert.ok(lengths.size > 20, "lengths vary");
  tf.dispose([x, y]);
});

Deno.test("tokenTask is deterministic by seed and respects vocabSize and length", () => {
  const a = tokenTask({ samples: 50, vocabSize: 30, length: 8, seed: 3 });
  const b = tokenTask({ samples: 50, vocabSize: 30, length: 8, seed: 3 });
  const c = tokenTask({ samples: 50, vocabSize: 30, length: 8, seed: 4 });
  assert.deepEqual(a.x.arraySync(), b.x.arraySync());
  assert.deepEqual(a.y.arraySync(), b.y.arraySync());
  assert.notDeepEqual(a.x.arraySync(), c.x.arraySync());
  assert.deepEqual(a.x.shape, [50, 8]);
  assert.ok([...a.x.dataSync()].every((t) => t >= 0 && t < 30));
  const tiny = tokenTask({ samples: 10, vocabSize: 3, length: 1, seed: 0 });
  const firsts = [...tiny.x.dataSync()];
  const labels = [...tiny.y.dataSync()];
  firsts.forEach((t, i) => assert.equal(t, labels[i] === 1 ? 1 : 2));
  tf.dispose([a.x, a.y, b.x, b.y, c.x, c.y, tiny.x, tiny.y]);
});

Deno.test("tokenTask rejects bad arguments with clear errors", () => {
  assert.throws(() => tokenTask({ samples: 0 }), RangeError);
  assert.throws(() => tokenTask({ vocabSize: 2 }), /"vocabSize" must be at least 3/);
  assert.throws(() => tokenTask({ length: 1.5 }), RangeError);
  assert.throws(() => tokenTask({ seed: "1" as unknown as number }), TypeError);
});

/**
 * The lesson's text model written with raw TensorFlow.js: Embedding(20000,
 * 50) -> Flatten -> Dense(128, relu) -> Dense(1, sigmoid), Keras's default
 * initializers, Adam(0.001). The embedding's gradient is a scatter-add
 * (tf.gather's own gradient is far too slow on the CPU backend for a
 * 20000-row table); the mathematics are the same.
 */
Deno.test("tokenTask is learnt by the lesson's Embedding-Flatten-Dense model to >= 0.9", () => {
  const before = tf.memory().numTensors;
  const train = tokenTask({ samples: 2000, seed: 11 });
  const test = tokenTask({ samples: 500, seed: 12 });
  const glorot = (fanIn: number, fanOut: number, seed: number) => {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    return tf.tidy(() =>
      tf.variable(tf.randomUniform([fanIn, fanOut], -limit, limit, "float32", seed))
    );
  };
  const table = tf.tidy(() =>
    tf.variable(tf.randomUniform([20000, 50], -0.05, 0.05, "float32", 1))
  );
  const w1 = glorot(42 * 50, 128, 2);
  const b1 = tf.tidy(() => tf.variable(tf.zeros([128])));
  const w2 = glorot(128, 1, 3);
  const b2 = tf.tidy(() => tf.variable(tf.zeros([1])));
  const embed = (ids: tf.Tensor) =>
    tf.customGrad((...inputs) => ({
      value: tf.gather(inputs[0] as tf.Tensor, ids),
      gradFunc: (dy: tf.Tensor) =>
        tf.scatterND(tf.reshape(ids, [-1, 1]), tf.reshape(dy, [-1, 50]), [20000, 50]),
    }))(table);
  const forward = (ids: tf.Tensor) => {
    const flat = tf.reshape(embed(ids), [ids.shape[0], 42 * 50]);
    const hidden = tf.relu(tf.add(tf.matMul(flat, w1), b1));
    return tf.sigmoid(tf.add(tf.matMul(hidden, w2), b2));
  };
  const optimizer = tf.train.adam(0.001);
  const batch = 100;
  for (let start = 0; start < 2000; start += batch) {
    tf.tidy(() => {
      const xb = tf.slice(train.x, [start, 0], [batch, 42]);
      const yb = tf.slice(train.y, [start, 0], [batch, 1]);
      optimizer.minimize(() => tf.losses.logLoss(yb, forward(xb)) as tf.Scalar);
    });
  }
  const accuracy = tf.tidy(() => {
    const predicted = tf.cast(tf.greater(forward(test.x), 0.5), "float32");
    return tf.mean(tf.cast(tf.equal(predicted, test.y), "float32")).dataSync()[0];
  });
  assert.ok(accuracy >= 0.9, `held-out accuracy after one epoch: ${accuracy}`);
  optimizer.dispose();
  tf.dispose([train.x, train.y, test.x, test.y, table, w1, b1, w2, b2]);
  assert.equal(tf.memory().numTensors, before);
});
