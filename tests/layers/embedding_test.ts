import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { maskOf } from "../../engine/layer.ts";
import { Embedding } from "../../layers/mod.ts";
import { checkLayer } from "./_layer_check.ts";

const TABLE = [[0, 0], [1, 2], [3, 4], [5, 6], [7, 8]];

Deno.test("Embedding passes the shared layer check", () => {
  checkLayer({
    make: () => new Embedding(7, 3, { maskZero: true, inputLength: 4 }),
    cls: Embedding,
    inputShape: [2, 4],
    outputShape: [2, 4, 3],
    weights: 1,
    params: 21,
    input: () => tf.tensor2d([[1, 2, 0, 6], [3, 3, 5, 4]], [2, 4], "int32"),
    inputGradient: false,
  });
});

Deno.test("Embedding looks up rows and masks index 0", () => {
  const before = tf.memory().numTensors;
  const emb = new Embedding(5, 2, { maskZero: true });
  const ids = tf.tensor2d([[1, 3], [4, 0]], [2, 2], "int32");
  const built = emb.apply(ids); // builds it; the mask is the caller's to free too
  tf.dispose([built, maskOf(built)!]);
  const table = tf.tensor2d(TABLE);
  emb.setWeights([table]);
  const y = emb.apply(ids);
  assert.equal(y.dtype, "float32");
  assert.deepEqual(y.arraySync(), [[[1, 2], [5, 6]], [[7, 8], [0, 0]]]);
  const mask = maskOf(y)!;
  assert.equal(mask.dtype, "bool");
  assert.deepEqual(mask.arraySync(), [[1, 1], [1, 0]]);
  // float indices are truncated to int32, not rejected
  const fids = tf.tensor2d([[2, 1]]);
  const z = emb.apply(fids);
  assert.deepEqual(z.arraySync(), [[[3, 4], [1, 2]]]);
  tf.dispose([ids, table, y, mask, fids, z, maskOf(z)!]);
  emb.dispose();
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("Embedding without maskZero makes no mask", () => {
  const emb = new Embedding(5, 2);
  const ids = tf.tensor2d([[1, 0]], [1, 2], "int32");
  const y = emb.apply(ids);
  assert.equal(maskOf(y), null);
  tf.dispose([ids, y]);
  emb.dispose();
});

Deno.test("Embedding draws its table from RandomUniform(-0.05, 0.05) by default", () => {
  const emb = new Embedding(50, 20);
  const ids = tf.tensor2d([[1]], [1, 1], "int32");
  emb.apply(ids).dispose();
  const w = Array.from(emb.embeddings!.dataSync());
  assert.ok(w.every((v) => v >= -0.05 && v <= 0.05));
  assert.ok(Math.max(...w) > 0.04 && Math.min(...w) < -0.04);
  assert.equal(emb.getConfig().embeddingsInitializer, "uniform");
  ids.dispose();
  emb.dispose();
});

Deno.test("Embedding checks inputLength and index range", () => {
  const emb = new Embedding(5, 2, { inputLength: 3 });
  const ids = tf.tensor2d([[1, 2]], [1, 2], "int32");
  assert.throws(() => emb.apply(ids), /"inputLength": expected 3/);
  const emb2 = new Embedding(5, 2);
  const bad = tf.tensor2d([[1, 5]], [1, 2], "int32");
  assert.throws(() => emb2.apply(bad), /index value 5/);
  tf.dispose([ids, bad]);
  emb.dispose();
  emb2.dispose();
});

Deno.test("Embedding rejects bad options", () => {
  assert.throws(() => new Embedding(0, 2), /"inputDim" must be a positive integer: received 0/);
  assert.throws(() => new Embedding(5, 1.5), RangeError);
  assert.throws(() => new Embedding("5" as unknown as number, 2), TypeError);
  assert.throws(() => new Embedding(5, 2, { inputLength: -1 }), RangeError);
  assert.throws(() => new Embedding(5, 2, { maskZero: "yes" as unknown as boolean }), TypeError);
  assert.throws(() => new Embedding(5, 2, { embeddingsInitializer: "nope" }), TypeError);
  assert.throws(() => new Embedding(5, 2, { embeddingsRegularizer: "l3" }), TypeError);
});
