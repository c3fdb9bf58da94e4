import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { maskOf } from "../../engine/layer.ts";
import {
  Dropout,
  Embedding,
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
} from "../../layers/mod.ts";
import { checkLayer } from "./_layer_check.ts";

Deno.test("Global pooling layers pass the shared layer check", () => {
  const cases = [
    { cls: GlobalAveragePooling1D, inputShape: [2, 5, 3], outputShape: [2, 3] },
    { cls: GlobalMaxPooling1D, inputShape: [2, 5, 3], outputShape: [2, 3] },
    { cls: GlobalAveragePooling2D, inputShape: [2, 3, 4, 2], outputShape: [2, 2] },
    { cls: GlobalMaxPooling2D, inputShape: [2, 3, 4, 2], outputShape: [2, 2] },
  ];
  for (const { cls, inputShape, outputShape } of cases) {
    checkLayer({ make: () => new cls(), cls, inputShape, outputShape, weights: 0, params: 0 });
  }
  checkLayer({
    make: () => new GlobalAveragePooling2D({ keepdims: true }),
    cls: GlobalAveragePooling2D,
    inputShape: [2, 3, 4, 2],
    outputShape: [2, 1, 1, 2],
    weights: 0,
    params: 0,
  });
  checkLayer({
    make: () => new GlobalMaxPooling1D({ keepdims: true }),
    cls: GlobalMaxPooling1D,
    inputShape: [2, 5, 3],
    outputShape: [2, 1, 3],
    weights: 0,
    params: 0,
  });
});

Deno.test("Global pooling layers compute means and maxima", () => {
  const x = tf.tensor3d([[[1, -1], [5, -3], [3, -2]]]);
  const avg = new GlobalAveragePooling1D().apply(x);
  assert.deepEqual(avg.arraySync(), [[3, -2]]);
  const max = new GlobalMaxPooling1D().apply(x);
  assert.deepEqual(max.arraySync(), [[5, -1]]);
  const img = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 2, 2]);
  const avg2 = new GlobalAveragePooling2D().apply(img);
  assert.deepEqual(avg2.arraySync(), [[4, 5]]); // (1+3+5+7)/4, (2+4+6+8)/4
  const max2 = new GlobalMaxPooling2D().apply(img);
  assert.deepEqual(max2.arraySync(), [[7, 8]]);
  tf.dispose([x, avg, max, img, avg2, max2]);
});

Deno.test("GlobalAveragePooling1D averages only the steps Embedding(maskZero) leaves unmasked", () => {
  const before = tf.memory().numTensors;
  const emb = new Embedding(5, 2, { maskZero: true });
  const ids = tf.tensor2d([[1, 2, 0, 0], [3, 0, 4, 0]], [2, 4], "int32");
  const built = emb.apply(ids);
  tf.dispose([built, maskOf(built)!]);
  const table = tf.tensor2d([[0, 0], [1, 2], [3, 4], [5, 6], [7, 8]]);
  emb.setWeights([table]);
  const e = emb.apply(ids);
  const pool = new GlobalAveragePooling1D();
  const y = pool.apply(e);
  // row 0: mean of [1,2] and [3,4]; row 1: mean of [5,6] and [7,8]
  assert.deepEqual(y.arraySync(), [[2, 3], [6, 7]]);
  assert.equal(maskOf(y), null, "the mask is consumed");
  // without the mask the padding rows [0,0] are counted: (1+3)/4, (2+4)/4
  const unmasked = pool.apply(e, { mask: null });
  assert.deepEqual(unmasked.arraySync(), [[1, 1.5], [3, 3.5]]);
  tf.dispose([ids, table, e, maskOf(e)!, y, unmasked]);
  emb.dispose();
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("An Embedding(maskZero) mask reaches GlobalAveragePooling1D through Dropout", () => {
  const before = tf.memory().numTensors;
  const emb = new Embedding(5, 2, { maskZero: true, embeddingsInitializer: "ones" });
  const ids = tf.tensor2d([[2, 0, 0]], [1, 3], "int32");
  const e = emb.apply(ids);
  const d = new Dropout(0.5).apply(e); // inference: identity, mask passed on
  assert.deepEqual(maskValues(d), maskValues(e));
  assert.deepEqual(maskValues(d), [1, 0, 0]);
  const y = new GlobalAveragePooling1D().apply(d);
  // only step 0 counts: [1, 1]; unmasked it would be [1/3, 1/3]
  assert.deepEqual(y.arraySync(), [[1, 1]]);
  tf.dispose([ids, e, maskOf(e)!, d, y]);
  emb.dispose();
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("GlobalAveragePooling1D gradient spreads over unmasked steps only", () => {
  const x = tf.tensor3d([[[1], [2], [3]], [[4], [5], [6]]]);
  const mask = tf.tensor2d([[1, 1, 0], [0, 0, 0]], [2, 3], "bool");
  const pool = new GlobalAveragePooling1D();
  const g = tf.grad((t: tf.Tensor) => tf.sum(pool.apply(t, { mask })))(x);
  // d mean / d x = 1/count on kept steps; a fully masked sample pools to 0 with gradient 0
  assert.deepEqual(g.arraySync(), [[[0.5], [0.5], [0]], [[0], [0], [0]]]);
  const y = pool.apply(x, { mask });
  assert.deepEqual(y.arraySync(), [[1.5], [0]]);
  tf.dispose([x, mask, g, y]);
});

Deno.test("Global pooling layers reject bad options and inputs", () => {
  assert.throws(() => new GlobalMaxPooling2D({ keepdims: 1 as unknown as boolean }), TypeError);
  const x = tf.zeros([2, 3]);
  assert.throws(() => new GlobalAveragePooling1D().apply(x), /must have rank 3/);
  x.dispose();
});

function maskValues(t: tf.Tensor): number[] | null {
  const m = maskOf(t);
  if (!m) return null;
  const v = Array.from(m.dataSync());
  m.dispose();
  return v;
}

for (const backend of ["cpu", "kerno"]) {
  Deno.test(`GlobalMaxPooling1D and GlobalMaxPooling2D on ${backend} give NaN where a slice holds one`, async () => {
    const previous = tf.getBackend();
    await tf.setBackend(backend);
    try {
      const x = tf.tensor3d([[[1, -1], [NaN, -3], [3, -2]]]);
      const max = new GlobalMaxPooling1D().apply(x);
      assert.deepEqual(Array.from(max.dataSync()), [NaN, -1]);
      const img = tf.tensor4d([1, 2, 3, NaN, 5, 6, 7, 8], [1, 2, 2, 2]);
      const max2 = new GlobalMaxPooling2D().apply(img);
      assert.deepEqual(Array.from(max2.dataSync()), [7, NaN]);
      tf.dispose([x, max, img, max2]);
    } finally {
      await tf.setBackend(previous);
    }
  });
}
