import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { Reshape } from "../../layers/mod.ts";
import { checkLayer } from "./_layer_check.ts";

Deno.test("Reshape passes the shared layer check", () => {
  checkLayer({
    make: () => new Reshape([3, -1]),
    cls: Reshape,
    inputShape: [2, 12],
    outputShape: [2, 3, 4],
    weights: 0,
    params: 0,
  });
  checkLayer({
    make: () => new Reshape([4, 3]),
    cls: Reshape,
    inputShape: [2, 2, 6],
    outputShape: [2, 4, 3],
    weights: 0,
    params: 0,
  });
});

Deno.test("Reshape infers the -1 axis and keeps element order", () => {
  const x = tf.tensor2d([[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]]);
  const y = new Reshape([2, -1, 2]).apply(x);
  assert.deepEqual(y.shape, [1, 2, 3, 2]);
  assert.deepEqual(y.arraySync(), [[[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 10], [11, 12]]]]);
  tf.dispose([x, y]);
  assert.deepEqual(new Reshape([-1, 2]).computeOutputShape([null, 3, 4]), [null, 6, 2]);
  assert.deepEqual(new Reshape([-1, 2]).computeOutputShape([null, null, 4]), [null, null, 2]);
});

Deno.test("Reshape rejects bad target shapes", () => {
  assert.throws(() => new Reshape([-1, -1]), RangeError);
  assert.throws(() => new Reshape([0, 2]), /"targetShape" must be .*: received \[0,2\]/);
  assert.throws(() => new Reshape([2.5]), RangeError);
  assert.throws(() => new Reshape(6 as unknown as number[]), TypeError);
  const before = tf.memory().numTensors;
  const x = tf.ones([2, 10]);
  assert.throws(() => new Reshape([3, -1]).apply(x), /cannot be reshaped to \[3,-1\]/);
  assert.throws(() => new Reshape([3, 3]).apply(x), RangeError);
  x.dispose();
  assert.equal(tf.memory().numTensors, before);
});
