import assert from "node:assert/strict";
import { tf } from "../../mod.ts";
import {
  bagOfWords,
  buildModel,
  main,
  MAX_LEN,
  TokenAndPositionEmbedding,
} from "../../examples/transformer_classifier.ts";
import { blasStatus, getBackend } from "../../backend/mod.ts";
import { skipBecause } from "../backend/_helpers.ts";

// The example's two models train in about 6 s with kerno's kernels and
// about 80 s on TensorFlow.js's cpu kernels.
const TOO_SLOW = skipBecause(
  "examples/transformer_classifier's training test",
  getBackend() === "kerno" && blasStatus().available
    ? null
    : `it takes about 80 s without kerno's BLAS kernels (backend "${getBackend()}")`,
);

Deno.test({
  name:
    "examples/transformer_classifier: the Transformer learns token order (>= 0.9), the bag of words cannot (<= 0.6)",
  ignore: TOO_SLOW,
}, async () => {
  const lines: string[] = [];
  const before = tf.memory().numTensors;
  const result = await main({ print: (l) => lines.push(l) });
  assert.equal(lines.length, 2);
  for (const history of [result.history, result.baselineHistory]) {
    for (const key of ["loss", "accuracy", "val_loss", "val_accuracy"]) {
      assert.equal(history[key]?.length, 10, key);
    }
  }
  // The stated figures (the example's doc and the README), on 1,000 sequences it never saw.
  assert.ok(result.testAccuracy >= 0.9, `Transformer ${result.testAccuracy}`);
  assert.ok(result.baselineTestAccuracy <= 0.6, `bag of words ${result.baselineTestAccuracy}`);
  assert.equal(tf.memory().numTensors, before);
});

/** The largest absolute difference between two tensors. */
function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

/** Token ids `[1, MAX_LEN]`: `tokens` then zero padding. */
function padded(tokens: number[]): tf.Tensor {
  return tf.tensor2d(
    [[...tokens, ...new Array(MAX_LEN - tokens.length).fill(0)]],
    undefined,
    "int32",
  );
}

Deno.test("examples/transformer_classifier: TokenAndPositionEmbedding adds a learned vector per position to each token's", () => {
  const before = tf.memory().numTensors;
  const layer = new TokenAndPositionEmbedding(6, 10, 4);
  const ids = tf.tensor2d([[3, 3, 3, 0, 0, 0], [1, 2, 3, 4, 5, 6]], undefined, "int32");
  const y = layer.apply(ids);
  assert.deepEqual(y.shape, [2, 6, 4]);
  // Both tables are the layer's weights (tracked fields), trained with it.
  assert.deepEqual(layer.trainableWeights.map((w) => w.shape), [[10, 4], [6, 4]]);
  const expected = tf.tidy(() =>
    tf.add(tf.gather(layer.tokenEmb.embeddings!, ids), tf.expandDims(layer.posEmb.embeddings!, 0))
  );
  assert.ok(maxDiff(y, expected) < 1e-7);
  // The same token at two positions gets two vectors.
  const [p0, p1] = tf.tidy(() => [
    tf.slice(y, [0, 0, 0], [1, 1, 4]),
    tf.slice(y, [0, 1, 0], [1, 1, 4]),
  ]);
  assert.ok(maxDiff(p0, p1) > 1e-4);
  tf.dispose([ids, y, expected, p0, p1]);
  layer.dispose();
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("examples/transformer_classifier: the functional Transformer sees token order, the bag of words does not", () => {
  const before = tf.memory().numTensors;
  const model = buildModel();
  const names = model.layers.map((l) => l.constructor.name);
  for (
    const cls of [
      "TokenAndPositionEmbedding",
      "MultiHeadAttention",
      "LayerNormalization",
      "Add",
      "GlobalAveragePooling1D",
    ]
  ) {
    assert.ok(names.includes(cls), `${cls} in ${names}`);
  }
  // Token 100×32 and position 20×32 tables; attention 3·(32·2·32 + 2·32) + 2·32·32 + 32;
  // two layer normalizations 2·2·32; feed-forward 32·32 + 32 twice; softmax 32·2 + 2.
  assert.equal(model.countParams(), 3_200 + 640 + 8_416 + 128 + 2_112 + 66);
  const bag = bagOfWords();
  const first = padded([5, 1, 9, 2, 33]); // token 1 before token 2: label 1
  const second = padded([2, 33, 5, 1, 9]); // the same tokens, token 2 first: label 0
  const [a, b] = [model.predict(first), model.predict(second)];
  const [c, d] = [bag.predict(first), bag.predict(second)];
  assert.deepEqual(a.shape, [1, 2]);
  assert.ok(maxDiff(a, b) > 1e-6, "the Transformer gives both orders one output");
  assert.ok(maxDiff(c, d) < 1e-6, "the bag of words sees the order");
  tf.dispose([first, second, a, b, c, d]);
  model.dispose();
  bag.dispose();
  assert.equal(tf.memory().numTensors, before);
});
