import assert from "node:assert/strict";
import { tf } from "../../mod.ts";
import { bagOfWords, BidirectionalModel, LENGTH, main } from "../../examples/bidirectional_lstm.ts";
import { blasStatus, getBackend } from "../../backend/mod.ts";
import { skipBecause } from "../backend/_helpers.ts";

// TensorFlow.js's cpu kernels update the 20000-row Embedding slowly: the
// example's two models train in about 18 s with kerno's kernels and about
// 2 minutes without.
const TOO_SLOW = skipBecause(
  "examples/bidirectional_lstm's training test",
  getBackend() === "kerno" && blasStatus().available
    ? null
    : `it takes about 2 minutes without kerno's BLAS kernels (backend "${getBackend()}")`,
);

Deno.test({
  name:
    "examples/bidirectional_lstm: the bidirectional LSTM learns token order (>= 0.9), the bag of words cannot (<= 0.6)",
  ignore: TOO_SLOW,
}, async () => {
  const lines: string[] = [];
  const before = tf.memory().numTensors;
  const result = await main({ print: (l) => lines.push(l) });
  assert.equal(lines.length, 2);
  for (const history of [result.history, result.baselineHistory]) {
    for (const key of ["loss", "accuracy", "val_loss", "val_accuracy"]) {
      assert.equal(history[key]?.length, 3, key);
    }
  }
  // The stated figures (the example's doc and the README), on 1,000 sequences it never saw.
  assert.ok(result.testAccuracy >= 0.9, `bidirectional LSTM ${result.testAccuracy}`);
  assert.ok(result.baselineTestAccuracy <= 0.6, `bag of words ${result.baselineTestAccuracy}`);
  assert.equal(tf.memory().numTensors, before);
});

/** The largest absolute difference between two tensors. */
function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

/** Token ids `[1, LENGTH]`: `tokens` then zero padding. */
function padded(tokens: number[]): tf.Tensor {
  return tf.tensor2d(
    [[...tokens, ...new Array(LENGTH - tokens.length).fill(0)]],
    undefined,
    "int32",
  );
}

Deno.test("examples/bidirectional_lstm: the lesson's model with Bidirectional(LSTM(32)); padding is skipped both ways", () => {
  const before = tf.memory().numTensors;
  const model = new BidirectionalModel();
  const ids = tf.tensor2d(
    [[5, 1, 9, 2, ...new Array(LENGTH - 4).fill(0)], new Array(LENGTH).fill(7)],
    undefined,
    "int32",
  );
  const y = model.predict(ids);
  assert.deepEqual(y.shape, [2, 1]);
  // Embedding 20000×50, two LSTMs (50 + 32 + 1)·4·32, Dense 64→128, Dense 128→1.
  assert.equal(model.countParams(), 1_000_000 + 2 * 10_624 + 8_320 + 129);
  // The mask from Embedding({ maskZero }) makes the LSTMs skip the padding: the
  // backward one starts at the last real token, so the padded sequence gives
  // what its four real tokens alone give.
  const tokens = [5, 1, 9, 2, 33, 4];
  const x = padded(tokens);
  const embedded = model.embeddingLayer.apply(x); // carries the mask
  const full = model.bilstmLayer.apply(embedded);
  const real = tf.slice(embedded, [0, 0, 0], [1, tokens.length, 50]); // no padding, no mask
  const short = model.bilstmLayer.apply(real);
  assert.deepEqual(full.shape, [1, 64]);
  const gap = maxDiff(full, short);
  assert.ok(gap < 1e-5, `padded vs unpadded: ${gap}`);
  tf.dispose([ids, y, x, embedded, full, real, short]);
  model.dispose();
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("examples/bidirectional_lstm: the bag of words gives one output to both orders of the same tokens", () => {
  const before = tf.memory().numTensors;
  const model = bagOfWords();
  const first = padded([5, 1, 9, 2, 33]); // token 1 before token 2: label 1
  const second = padded([2, 33, 5, 1, 9]); // the same tokens, token 2 first: label 0
  const [a, b] = [model.predict(first), model.predict(second)];
  const gap = maxDiff(a, b);
  assert.ok(gap < 1e-6, `order changed the output by ${gap}`);
  tf.dispose([first, second, a, b]);
  model.dispose();
  assert.equal(tf.memory().numTensors, before);
});
