import assert from "node:assert/strict";
import { tf } from "../../engine/tf.ts";
import { Activation } from "../../layers/mod.ts";
import { checkLayer } from "./_layer_check.ts";

Deno.test("Activation passes the shared layer check", () => {
  for (const name of ["tanh", "softmax", "sigmoid", "linear"]) {
    checkLayer({
      make: () => new Activation(name),
      cls: Activation,
      inputShape: [3, 4],
      outputShape: [3, 4],
      weights: 0,
      params: 0,
    });
  }
});

Deno.test("Activation computes relu and softmax values", () => {
  const before = tf.memory().numTensors;
  const x = tf.tensor2d([[-1, 0, 2], [Math.log(1), Math.log(2), Math.log(5)]]);
  const r = new Activation("relu").apply(x);
  assert.deepEqual(r.arraySync(), [[0, 0, 2], [
    0,
    Math.fround(Math.log(2)),
    Math.fround(Math.log(5)),
  ]]);
  const s = new Activation("softmax").apply(x);
  const row = (s.arraySync() as number[][])[1];
  // exp(log k) / (1 + 2 + 5) = k / 8
  [1 / 8, 2 / 8, 5 / 8].forEach((v, i) => assert.ok(Math.abs(row[i] - v) < 1e-6));
  tf.dispose([x, r, s]);
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("Activation linear returns a new tensor the caller owns", () => {
  const x = tf.tensor1d([1, 2]);
  const y = new Activation("linear").apply(x);
  assert.notEqual(y, x);
  y.dispose();
  assert.equal(x.isDisposed, false);
  x.dispose();
});

Deno.test("Activation accepts a function and rejects unknown names", () => {
  const x = tf.tensor1d([1, 2]);
  const y = new Activation((t) => tf.mul(t, 3)).apply(x);
  assert.deepEqual(y.arraySync(), [3, 6]);
  tf.dispose([x, y]);
  assert.throws(() => new Activation("relux"), TypeError);
  assert.throws(() => new Activation(3 as unknown as string), TypeError);
});
