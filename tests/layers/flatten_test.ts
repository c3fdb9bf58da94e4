import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { maskOf } from "../../engine/layer.ts";
import { Embedding, Flatten } from "../../layers/mod.ts";
import { checkLayer } from "./_layer_check.ts";

Deno.test("Flatten passes the shared layer check", () => {
  checkLayer({
    make: () => new Flatten(),
    cls: Flatten,
    inputShape: [2, 3, 4],
    outputShape: [2, 12],
    weights: 0,
    params: 0,
  });
  checkLayer({
    make: () => new Flatten({ inputShape: [2, 2, 3] }),
    cls: Flatten,
    inputShape: [3, 2, 2, 3],
    outputShape: [3, 12],
    weights: 0,
    params: 0,
  });
});

Deno.test("Flatten keeps channels-last order and drops an incoming mask", () => {
  const before = tf.memory().numTensors;
  const x = tf.tensor3d([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]);
  const y = new Flatten().apply(x);
  assert.deepEqual(y.arraySync(), [[1, 2, 3, 4], [5, 6, 7, 8]]);
  const ids = tf.tensor2d([[1, 0]], [1, 2], "int32");
  const emb = new Embedding(3, 2, { maskZero: true });
  const e = emb.apply(ids);
  const mask = maskOf(e);
  assert.ok(mask !== null);
  const f = new Flatten().apply(e);
  assert.equal(maskOf(f), null);
  assert.deepEqual(f.shape, [1, 4]);
  tf.dispose([x, y, ids, e, mask!, f]);
  emb.dispose();
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("Flatten turns a rank-1 batch into a column", () => {
  const x = tf.tensor1d([1, 2, 3]);
  const y = new Flatten().apply(x);
  assert.deepEqual(y.shape, [3, 1]);
  tf.dispose([x, y]);
});
